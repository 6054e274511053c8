"""Uploads into a workspace: staging, validation, accept under the workspace lock, history, restore.

An upload replaces the data file of one existing layer (an indicator table or
a sites list). It is checked by content (:mod:`.checks`), validated as part of
the whole workspace before anything changes (:mod:`.staging`), and accepted
under a cross-process lock (:mod:`.lock`, :mod:`.accept`): validated again
against the workspace as it is, kept in the layer's own history with who
accepted it (:mod:`.history`), and renamed over the data file (:mod:`.atomic`).
Only editors may change data (:mod:`.users`, :mod:`.service`).
"""

from geodash.uploads.accept import (
    Change,
    accept_staged,
    accept_upload,
    command_line_user,
    history_versions,
    prune_history,
    recover_workspace,
    restore_version,
)
from geodash.uploads.checks import (
    ALLOWED,
    DEFAULT_MAX_BYTES,
    MB,
    SUFFIX,
    check_gpkg,
    check_zip,
    detect_content,
    display_name,
)
from geodash.uploads.history import LayerHistory, Version, histories
from geodash.uploads.lock import instance_dir, workspace_lock
from geodash.uploads.service import Accepted, StagedReport, Uploads, require_editor
from geodash.uploads.staging import (
    StagedUpload,
    StagedUploads,
    UploadPreview,
    discard_upload,
    stage_upload,
    staging_root,
    validate_staged,
)
from geodash.uploads.users import User

__all__ = [
    "ALLOWED", "DEFAULT_MAX_BYTES", "MB", "SUFFIX", "Accepted", "Change", "LayerHistory",
    "StagedReport", "StagedUpload", "StagedUploads", "UploadPreview", "Uploads", "User", "Version",
    "accept_staged", "accept_upload", "check_gpkg", "check_zip", "command_line_user", "detect_content",
    "discard_upload", "display_name", "histories", "history_versions", "instance_dir",
    "prune_history", "recover_workspace", "require_editor", "restore_version", "stage_upload",
    "staging_root", "validate_staged", "workspace_lock",
]
