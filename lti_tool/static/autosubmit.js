// Carry the launch context to the landing page by POST: it never appears in a URL.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());
