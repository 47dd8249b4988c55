"""Pure rules in the product's words: standard library only, time passed in."""
