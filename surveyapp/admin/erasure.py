"""Admin page: delete a response with the receipt code a respondent gave (by phone, by
letter, through PALS). The same deletion as her own page (privacy/erasure.py), audited
with who and when; the answers are never shown or recorded."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import HiddenField, StringField
from wtforms.validators import ValidationError

from surveyapp.admin import bp
from surveyapp.auth.access import audit, roles_required
from surveyapp.extensions import db
from surveyapp.forms import StaffForm
from surveyapp.models import Answer, Response, Role, Survey
from surveyapp.privacy.erasure import (
    delete_responses,
    find_by_receipt,
    normalise_receipt,
    with_receipt,
)

Page = str | WerkzeugResponse | tuple[str, int]


class EraseForm(StaffForm):
    receipt = StringField(_l("Receipt code"),
                          description=_l("12 letters and numbers, like ABCD-EFGH-JK23"))
    confirm = HiddenField()

    def validate_receipt(self, field: StringField) -> None:
        code = normalise_receipt(field.data)
        if code is None:
            raise ValidationError(_l("Enter a receipt code of 12 letters and numbers, like "
                                     "ABCD-EFGH-JK23"))
        self.response = find_by_receipt(db.session, code)
        if self.response is None:
            raise ValidationError(_l("No response has this receipt code. Check it with the "
                                     "person who asked."))
        field.data = code


@bp.route("/erase", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def erase_response() -> Page:
    form = EraseForm()
    if not form.validate_on_submit():
        return render_template("admin/erasure.html", form=form), \
            (400 if form.errors else 200)
    response: Response = form.response
    if form.confirm.data != "yes":
        survey = db.session.get(Survey, response.survey_id)
        answers = db.session.scalar(select(func.count()).select_from(Answer)
                                    .where(Answer.response_id == response.id))
        return render_template("admin/erasure_confirm.html", form=form, response=response,
                               survey=survey, answers=answers)
    survey_id = response.survey_id
    deleted = delete_responses(db.session, with_receipt(form.receipt.data))
    audit("response_erased", target=f"survey {survey_id}", responses=deleted.responses,
          answers=deleted.answers, via="admin")
    flash(_l("Deleted the response with receipt code %(code)s and its %(answers)s answers.",
             code=form.receipt.data, answers=deleted.answers))
    return redirect(url_for("admin.erase_response"))
