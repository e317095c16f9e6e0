"""JSON error answers: every failure tells the client what went wrong, never how the code looks."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from kg.web.executor import QueryFailed

log = logging.getLogger("kg.web")


class ApiError(Exception):
    """A request the service answers with `status` and a message meant for the client."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> Response:
        return error_response(error.status, error.message, error.headers)

    @app.errorhandler(QueryFailed)
    def query_failed(error: QueryFailed) -> Response:
        """One of the server's own queries past the time limit (503 "time limit exceeded", Retry-After) or
        otherwise unanswered (kg.web.executor.own_rows): told as /sparql tells it."""
        return error_response(error.status, error.message, error.headers)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        headers = {k: v for k, v in error.get_headers() if k.lower() in ("allow", "retry-after")}
        return error_response(error.code or 500, error.description or error.name, headers)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "internal error: the request could not be answered; it was logged")
