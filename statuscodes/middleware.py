"""Response headers every page gets: the Content-Security-Policy."""

from django.conf import settings

from statuscodes import theme


def content_security_policy(get_response):
    """Send the CSP from settings; the admin keeps inline style attributes, nothing else does."""

    def middleware(request):
        response = get_response(request)
        if "Content-Security-Policy" not in response:
            # The inline theme script is allowed by its hash; no other inline script runs.
            allowed = f"script-src 'self' {theme.csp_source()}"
            policy = settings.CONTENT_SECURITY_POLICY.replace("script-src 'self'", allowed)
            if request.path.startswith("/admin/"):
                policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
            response["Content-Security-Policy"] = policy
        return response

    return middleware
