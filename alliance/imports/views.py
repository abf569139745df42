"""Pages: choose a kind, download its template, upload, see the preview, confirm."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from alliance.core.areas import registry
from alliance.core.exports import download
from alliance.core.import_runner import run_import, template_xlsx
from alliance.core.imports import ImportRefused
from alliance.core.permissions import managers_only
from alliance.extensions import db
from alliance.imports import bp
from alliance.imports.forms import CommitForm, UploadForm
from alliance.imports.services import forget_pending, keep_pending, kind_or_404, pending


@bp.route("/imports")
@managers_only
def index():
    return render_template("imports/index.html", kinds=registry().import_kinds.values())


@bp.route("/imports/<kind>/template.xlsx")
@managers_only
def template(kind):
    spec = kind_or_404(kind)
    return download(template_xlsx(spec), f"{spec.label}导入模板.xlsx")


@bp.route("/imports/<kind>", methods=["GET", "POST"])
@managers_only
def upload(kind):
    spec = kind_or_404(kind)
    form = UploadForm()
    if form.validate_on_submit():
        data, filename = form.file.data.read(), form.file.data.filename or ""
        try:
            plan, _ = run_import(spec, data, filename, alliance_id=current_user.alliance_id, dry_run=True)
        except ImportRefused as exc:
            db.session.rollback()
            form.file.errors = [*form.file.errors, exc.message]
        else:
            db.session.rollback()
            if not plan.errors:
                keep_pending(current_user.id, kind, plan.table.sha256, data, filename)
            commit_form = CommitForm(sha256=plan.table.sha256)
            return render_template("imports/preview.html", kind=spec, plan=plan, form=commit_form,
                                   upload_form=UploadForm(formdata=None))
    return render_template("imports/upload.html", kind=spec, form=form)


@bp.route("/imports/<kind>/commit", methods=["POST"])
@managers_only
def commit(kind):
    spec = kind_or_404(kind)
    form = CommitForm()
    if not form.validate_on_submit():
        flash("页面已过期，请重新上传文件", "danger")
        return redirect(url_for("imports.upload", kind=kind))
    try:
        data, filename = pending(current_user.id, kind, form.sha256.data)
        plan, counts = run_import(spec, data, filename, alliance_id=current_user.alliance_id, dry_run=False,
                                  update_existing=form.existing.data != "skip", expected_hash=form.sha256.data)
    except ImportRefused as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("imports.upload", kind=kind))
    if counts is None:  # the register changed since the preview: show the new problems
        db.session.rollback()
        return render_template("imports/preview.html", kind=spec, plan=plan, form=form,
                               upload_form=UploadForm(formdata=None))
    db.session.commit()
    forget_pending(current_user.id, kind, form.sha256.data)
    flash(f"已导入{spec.label}：新增 {counts['created']} 条，修改 {counts['updated']} 条，"
          f"未变 {counts['unchanged']} 条（文件 {filename}）", "success")
    return redirect(url_for("imports.index"))
