"""Staff: accounts and roles (`accounts`), the one-time password second factor (`mfa`),
and `flask users …` (`cli`). The login pages are web (hotline.web.login_views)."""
