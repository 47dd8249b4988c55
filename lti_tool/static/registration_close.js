// Tell the LMS's registration dialog the tool is registered, so it can close and refresh.
// Served as a file, not inline: the CSP allows only scripts from our own origin.
(window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
