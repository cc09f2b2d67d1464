"""Response headers every page gets: the Content-Security-Policy."""

from django.conf import settings


def content_security_policy(get_response):
    """Send the CSP from settings; the admin keeps inline style attributes, nothing else does."""

    def middleware(request):
        response = get_response(request)
        if "Content-Security-Policy" not in response:
            policy = settings.CONTENT_SECURITY_POLICY
            if request.path.startswith("/admin/"):
                policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
            response["Content-Security-Policy"] = policy
        return response

    return middleware
