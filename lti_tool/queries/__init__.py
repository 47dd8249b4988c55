"""Read side: selects that return rows and plain records for views and domain rules."""
