"""What every web package shares: staff sessions and role guards (`auth`), the login
pages (`login_views`), response headers (`security`), error pages (`errors`) and form
filters (`form_filters`). Domain packages never import from here."""
