"""The web app (`uncounted serve`): FastAPI and Jinja2 over one workspace, in Arabic and English."""

from uncounted.web.app import create_app

__all__ = ["create_app"]
