// Continue the OIDC login if this frame may keep cookies; otherwise offer a new window.
(function () {
  const root = document.getElementById("lti-login");
  if (!root) return;
  const probe = "lti_cookie_probe=1";
  document.cookie = probe + "; path=/; SameSite=None; Secure; Partitioned";
  const cookiesWork = document.cookie.indexOf(probe) !== -1;
  document.cookie = "lti_cookie_probe=; path=/; max-age=0; SameSite=None; Secure; Partitioned";
  if (cookiesWork) {
    window.location.replace(root.dataset.authUrl);
  } else {
    document.getElementById("login-progress").textContent = "";
    document.getElementById("cookie-fallback").hidden = false;
  }
})();
