from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length, ValidationError

from surveyapp.auth.passwords import password_problem
from surveyapp.forms import StaffForm


class LoginForm(StaffForm):
    email = EmailField(_l("Email address"), validators=[
        DataRequired(_l("Enter your email address")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password")), Length(max=256)])


class SetPasswordForm(StaffForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a password"))])
    confirm = PasswordField(_l("New password again"),
                            validators=[DataRequired(_l("Enter the password again"))])

    def __init__(self, email: str = "", **kwargs: object):
        super().__init__(**kwargs)
        self._email = email

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", self._email)
        if problem:
            raise ValidationError(problem)

    def validate_confirm(self, field: PasswordField) -> None:
        if field.data != self.password.data:
            raise ValidationError(_l("The two passwords are not the same"))
