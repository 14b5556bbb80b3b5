"""Web Push: the VAPID key, this browser's subscription, a test, and "Nhận" from a notification."""

import base64
import binascii

from flask import abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import Schema, ValidationError, fields, validate, validates

from fieldapp.api import bp
from fieldapp.api.errors import error_response
from fieldapp.extensions import csrf
from fieldapp.models import utcnow
from fieldapp.rules.text import N_
from fieldapp.services import push_messages, subscriptions
from fieldapp.services.push import vapid_keys
from fieldapp.services.push_hosts import may_subscribe
from fieldapp.services.tickets import OpRequest, apply
from workers.queues import get_queue


def _b64_length(value: str) -> int:
    """Length in bytes of base64url text (padded or not); -1 when it is not base64url."""
    try:
        return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError):
        return -1


class SubscriptionKeysSchema(Schema):
    """The browser's keys: its P-256 public key and the 16-byte auth secret."""

    p256dh = fields.String(required=True, validate=validate.Length(max=200))
    auth = fields.String(required=True, validate=validate.Length(max=100))

    @validates("p256dh")
    def _point(self, value, **_):
        if _b64_length(value) != 65:
            raise ValidationError(N_("Khóa p256dh không hợp lệ."))

    @validates("auth")
    def _secret(self, value, **_):
        if _b64_length(value) != 16:
            raise ValidationError(N_("Khóa auth không hợp lệ."))


class SubscriptionSchema(Schema):
    """PushSubscription.toJSON() as the browser gives it."""

    endpoint = fields.Url(
        required=True,
        schemes={"https", "http"},
        require_tld=False,
        validate=validate.Length(max=1000),
    )
    expirationTime = fields.Raw(allow_none=True, load_default=None)  # noqa: N815 (browser's)
    keys = fields.Nested(SubscriptionKeysSchema, required=True)

    @validates("endpoint")
    def _push_service(self, value, **_):
        if not may_subscribe(value, current_app.config["PUSH_ALLOWED_HOSTS"]):
            raise ValidationError(N_("Địa chỉ nhận thông báo không thuộc dịch vụ push được phép."))


class EndpointSchema(Schema):
    """Names one of the user's subscriptions."""

    endpoint = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class VapidKeySchema(Schema):
    public_key = fields.String()


class SubscribedSchema(Schema):
    id = fields.Integer()
    endpoint = fields.String()


class AcceptTokenSchema(Schema):
    """The token a new ticket's notification carries for its "Nhận" button."""

    token = fields.String(required=True, validate=validate.Length(min=1, max=500))


class AcceptResultSchema(Schema):
    status = fields.String()
    error = fields.Dict(allow_none=True)
    url = fields.String()
    notice = fields.String()
    detail = fields.String()


@bp.get("/push/vapid-key")
def vapid_key():
    """The application server key browsers subscribe with.
    ---
    get:
      summary: The VAPID public key (base64url), for pushManager.subscribe().
      responses:
        200:
          description: OK.
          content:
            application/json:
              schema: VapidKeySchema
    """
    return {"public_key": vapid_keys().public_key}


@bp.post("/push/subscriptions")
@login_required
def subscribe():
    """Store this browser's push subscription for the signed-in user.
    ---
    post:
      summary: Subscribe this browser (PushSubscription.toJSON()); send X-CSRFToken.
      requestBody:
        content:
          application/json:
            schema: SubscriptionSchema
      responses:
        201:
          description: Stored.
          content:
            application/json:
              schema: SubscribedSchema
        200:
          description: Known already as the signed-in user's; its keys are refreshed.
          content:
            application/json:
              schema: SubscribedSchema
        400: BadInput
        409:
          description: The endpoint is another user's; nothing changed.
          content:
            application/json:
              schema: ErrorSchema
    """
    data = SubscriptionSchema().load(request.get_json(silent=True) or {})
    try:
        row, created = subscriptions.subscribe(
            current_user, data["endpoint"], data["keys"]["p256dh"], data["keys"]["auth"]
        )
    except subscriptions.EndpointTaken:
        return error_response(
            {"endpoint": [N_("Trình duyệt này đang nhận thông báo cho một tài khoản khác.")]}, 409
        )
    return {"id": row.id, "endpoint": row.endpoint}, 201 if created else 200


@bp.delete("/push/subscriptions")
@login_required
def unsubscribe():
    """Remove one of the user's subscriptions.
    ---
    delete:
      summary: Stop pushing to this browser; send X-CSRFToken.
      requestBody:
        content:
          application/json:
            schema: EndpointSchema
      responses:
        204:
          description: Removed.
        404: NotFound
    """
    data = EndpointSchema().load(request.get_json(silent=True) or {})
    if not subscriptions.unsubscribe(current_user, data["endpoint"]):
        abort(404)
    return "", 204


@bp.post("/push/test")
@login_required
def send_test():
    """Send a test notification to one of the user's browsers.
    ---
    post:
      summary: Queue a test push to this browser; send X-CSRFToken.
      requestBody:
        content:
          application/json:
            schema: EndpointSchema
      responses:
        202:
          description: Queued; the notification arrives within seconds.
        404: NotFound
    """
    data = EndpointSchema().load(request.get_json(silent=True) or {})
    row = subscriptions.own_subscription(current_user, data["endpoint"])
    if row is None:
        abort(404)
    get_queue(current_app).enqueue("workers.push.send_test", row.id)
    return {"queued": True}, 202


@bp.post("/push/accept")
@csrf.exempt  # the signed token, pushed only to this user's devices, stands in for CSRF
@login_required
def accept_from_notification():
    """Accept a new ticket from its notification's "Nhận" button.
    ---
    post:
      summary: Accept the ticket a notification's token names, as the signed-in user.
      requestBody:
        content:
          application/json:
            schema: AcceptTokenSchema
      responses:
        200:
          description: Applied, duplicate or rejected (open the ticket to see why).
          content:
            application/json:
              schema: AcceptResultSchema
        403:
          description: The token is not valid, or not this user's.
          content:
            application/json:
              schema: ErrorSchema
    """
    data = AcceptTokenSchema().load(request.get_json(silent=True) or {})
    named = push_messages.read_accept_token(data["token"])
    if named is None or named[1] != current_user.id:
        return error_response({"token": [N_("Thông báo đã hết hạn, hãy mở phiếu.")]}, 403)
    op = OpRequest(push_messages.accept_op_id(data["token"]), named[0], "accept", utcnow())
    return _accept_result(apply(op, current_user), named[0])


def _accept_result(result, ticket_id: int) -> dict:
    """The JSON the service worker reads: what happened, and a line to show for it."""
    body = {"status": result.status, "url": push_messages.ticket_url(ticket_id), "error": None}
    if result.error is not None:
        body["error"] = {
            "code": result.error.code,
            "message": result.error.message,
            "fields": list(result.error.fields),
        }
    elif result.ticket is not None:
        body["notice"] = _("Đã tiếp nhận phiếu")
        body["detail"] = f"{result.ticket.crm_id} · {result.ticket.customer_name}"
    return body
