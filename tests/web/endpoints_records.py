"""Time entries, comments and attachments.

The world gives every project time entry, comment and attachment 1 (live) and 2 (in the trash),
all its creator's: the writes on them are tried by people who are not their owner but the
project's owner, so they take the stronger action (``OWN_RECORDS``).
"""

from __future__ import annotations

from charter.services import Action
from tests.web.endpoint import Endpoint

P = "/api/v1/projects/{key}"
TE = f"{P}/time-entries"
C = f"{P}/tasks/{{task_key}}/comments"
CU = f"{P}/tasks/build/comments"
A = f"{P}/attachments"
TA = f"{P}/tasks/{{task_key}}/attachments"
V1 = {"If-Match": '"1"'}
TEXT = {"Content-Type": "text/plain"}
RECORDS: dict[str, Endpoint] = {
    "time-entries": Endpoint("GET", TE, f"{TE}?person=owner&from=2027-01-01&sort=-date", Action.VIEW_PLAN, 200),
    "log-time": Endpoint(
        "POST", TE, TE, Action.LOG_TIME, 201, json={"task": "build", "date": "2027-01-07", "hours": 1.5}
    ),
    "import-time": Endpoint(
        "POST", f"{TE}/import", f"{TE}/import", Action.LOG_TIME, 201,
        json=[{"task": "build", "date": "2027-01-08", "hours": 3}, {"task": "arch", "date": "2027-01-08", "hours": 4}],
    ),
    "time-entry-trash": Endpoint("GET", f"{TE}/trash", f"{TE}/trash", Action.VIEW_PLAN, 200),
    "time-entry": Endpoint("GET", f"{TE}/{{entry_id}}", f"{TE}/1", Action.VIEW_PLAN, 200),
    "patch-time-entry": Endpoint(
        "PATCH", f"{TE}/{{entry_id}}", f"{TE}/1", Action.MANAGE_TIME_ENTRIES, 200, json={"hours": 2.5}, headers=V1
    ),
    "delete-time-entry": Endpoint(
        "DELETE", f"{TE}/{{entry_id}}", f"{TE}/1", Action.MANAGE_TIME_ENTRIES, 204, headers=V1
    ),
    "restore-time-entry": Endpoint(
        "POST", f"{TE}/{{entry_id}}/restore", f"{TE}/2/restore", Action.MANAGE_TIME_ENTRIES, 200
    ),
    "comments": Endpoint("GET", C, CU, Action.VIEW_PLAN, 200),
    "add-comment": Endpoint("POST", C, CU, Action.COMMENT, 201, json={"text": "Looks *good*."}),
    "comment": Endpoint("GET", f"{C}/{{comment_id}}", f"{CU}/1", Action.VIEW_PLAN, 200),
    "edit-comment": Endpoint(
        "PATCH", f"{C}/{{comment_id}}", f"{CU}/1", Action.MODERATE_COMMENTS, 200, json={"text": "Edited"},
        headers=V1,
    ),
    "delete-comment": Endpoint(
        "DELETE", f"{C}/{{comment_id}}", f"{CU}/1", Action.MODERATE_COMMENTS, 204, headers=V1
    ),
    "comment-trash": Endpoint("GET", f"{P}/comments/trash", f"{P}/comments/trash", Action.VIEW_PLAN, 200),
    "restore-comment": Endpoint(
        "POST", f"{P}/comments/{{comment_id}}/restore", f"{P}/comments/2/restore", Action.MODERATE_COMMENTS, 200
    ),
    "attachments": Endpoint("GET", A, A, Action.VIEW_PLAN, 200),
    "attach-to-project": Endpoint(
        "POST", A, f"{A}?filename=scope.txt", Action.ATTACH_FILES, 201, json="Scope notes", headers=TEXT
    ),
    "task-attachments": Endpoint("GET", TA, f"{P}/tasks/build/attachments", Action.VIEW_PLAN, 200),
    "attach-to-task": Endpoint(
        "POST", TA, f"{P}/tasks/build/attachments?filename=spec.txt", Action.ATTACH_FILES, 201,
        json="Build spec", headers=TEXT,
    ),
    "attachment-trash": Endpoint("GET", f"{A}/trash", f"{A}/trash", Action.VIEW_PLAN, 200),
    "attachment": Endpoint("GET", f"{A}/{{attachment_id}}", f"{A}/1", Action.VIEW_PLAN, 200),
    "attachment-content": Endpoint(
        "GET", f"{A}/{{attachment_id}}/content", f"{A}/1/content", Action.VIEW_PLAN, 200
    ),
    "delete-attachment": Endpoint(
        "DELETE", f"{A}/{{attachment_id}}", f"{A}/1", Action.MANAGE_ATTACHMENTS, 204, headers=V1
    ),
    "restore-attachment": Endpoint(
        "POST", f"{A}/{{attachment_id}}/restore", f"{A}/2/restore", Action.MANAGE_ATTACHMENTS, 200
    ),
}  # fmt: skip
