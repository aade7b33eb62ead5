from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..certification.standings import record_activity
from ..course import Course, Module
from ..course.model import Question, Quiz
from ..extensions import db
from ..learning.grading import drawn_questions, grade, read_answers, saved_answers
from ..learning.ordering import Move, current_order, with_move
from ..learning.question_types import QUESTION_TYPES
from ..models import QuizAttempt, utcnow
from ..web.forms import EmptyForm
from . import bp, quiz_services


def _module_and_quiz(module_id: str) -> tuple[Module, Quiz]:
    course: Course = current_app.extensions["course"]
    module = course.module_by_id.get(module_id)
    quiz = course.quiz_for_module.get(module_id)
    if module is None or quiz is None:
        abort(404)
    return module, quiz


def _own_attempt(quiz: Quiz, attempt_id: int) -> QuizAttempt:
    """The attempt, if it is this trainee's and this quiz's; otherwise it does not exist for them."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id or attempt.quiz_id != quiz.id:
        abort(404)
    return attempt


@bp.get("/modules/<module_id>/quiz")
@login_required
def quiz_home(module_id: str):
    """Show the quiz's rules, past attempts and a way to start or resume one."""
    module, quiz = _module_and_quiz(module_id)
    attempts = quiz_services.attempts_for(current_user.id, quiz)
    return render_template(
        "learn/quiz.html",
        module=module,
        quiz=quiz,
        attempts=[a for a in attempts if a.submitted],
        open_attempt=quiz_services.open_attempt(attempts),
        check=quiz_services.start_check(quiz, attempts, utcnow()),
        form=EmptyForm(),
    )


@bp.post("/modules/<module_id>/quiz/attempts")
@login_required
def start_attempt(module_id: str):
    """Draw a new attempt (or reopen the unfinished one) and go to it."""
    module, quiz = _module_and_quiz(module_id)
    attempts = quiz_services.attempts_for(current_user.id, quiz)
    if quiz_services.open_attempt(attempts) is None:
        check = quiz_services.start_check(quiz, attempts, utcnow())
        if not check.allowed:
            flash(check.reason, "error")
            return redirect(url_for("learn.quiz_home", module_id=module.id))
    attempt = quiz_services.start_attempt(
        current_user.id, quiz, module, current_app.extensions["course"].version
    )
    record_activity(current_user)
    db.session.commit()
    return redirect(url_for("learn.take_attempt", module_id=module.id, attempt_id=attempt.id))


@bp.get("/modules/<module_id>/quiz/attempts/<int:attempt_id>")
@login_required
def take_attempt(module_id: str, attempt_id: int):
    """Show an open attempt's questions, with any answers saved so far."""
    module, quiz = _module_and_quiz(module_id)
    attempt = _own_attempt(quiz, attempt_id)
    if attempt.submitted:
        return redirect(url_for("learn.attempt_result", module_id=module.id, attempt_id=attempt.id))
    return _render_attempt(module, quiz, attempt, saved_answers(attempt), {})


@bp.post("/modules/<module_id>/quiz/attempts/<int:attempt_id>")
@login_required
def submit_attempt(module_id: str, attempt_id: int):
    """Grade the attempt once, or keep a draft: "save and finish later", or an item moved."""
    module, quiz = _module_and_quiz(module_id)
    attempt = _own_attempt(quiz, attempt_id)
    result_url = url_for("learn.attempt_result", module_id=module.id, attempt_id=attempt.id)
    if attempt.submitted:
        return redirect(result_url)  # a replayed or double submission changes nothing
    drawn = drawn_questions(attempt)
    answers, errors = read_answers(quiz, drawn, request.form)
    move = Move.parse(request.form.get("move"))
    if move is not None or request.form.get("action") == "save":
        return _keep_draft(
            module, quiz, attempt, with_move(drawn, answers, move) if move else answers, errors, move
        )
    if errors:
        return _render_attempt(module, quiz, attempt, answers, errors), 422
    unanswered = [
        d.question_id for d in drawn if d.question_id in quiz.question_by_id and d.question_id not in answers
    ]
    if unanswered and request.form.get("confirm_unanswered") != "yes":
        return _render_attempt(module, quiz, attempt, answers, {}, unanswered)
    quiz_services.submit(attempt, quiz, answers)
    record_activity(current_user)
    db.session.commit()
    return redirect(result_url)


def _keep_draft(
    module: Module, quiz: Quiz, attempt: QuizAttempt, answers: dict, errors: dict, move: Move | None
):
    """Save every answer that could be read, then go back to the moved item, or to the quiz's
    home page; a field that could not be read is shown again with its message."""
    quiz_services.save_draft(attempt.id, answers)
    record_activity(current_user)
    db.session.commit()
    if errors:
        return _render_attempt(module, quiz, attempt, answers, errors), 422
    if move is not None:
        return redirect(
            url_for(
                "learn.take_attempt",
                module_id=module.id,
                attempt_id=attempt.id,
                _anchor=f"item-{move.question_id}-{move.option_id}",
            ),
            303,
        )
    flash("Your answers are saved. Come back to finish this attempt whenever you like.", "success")
    return redirect(url_for("learn.quiz_home", module_id=module.id))


@bp.get("/modules/<module_id>/quiz/attempts/<int:attempt_id>/result")
@login_required
def attempt_result(module_id: str, attempt_id: int):
    """Show the score, and for each question what was chosen, what was right, and why."""
    module, quiz = _module_and_quiz(module_id)
    attempt = _own_attempt(quiz, attempt_id)
    if not attempt.submitted:
        return redirect(url_for("learn.take_attempt", module_id=module.id, attempt_id=attempt.id))
    result = grade(quiz, drawn_questions(attempt), saved_answers(attempt))
    passed = quiz_services.has_passed(quiz_services.attempts_for(current_user.id, quiz))
    return render_template(
        "learn/quiz_result.html",
        module=module,
        quiz=quiz,
        attempt=attempt,
        result=result,
        drawn={d.question_id: d for d in drawn_questions(attempt)},
        show_key=quiz.review == "always" or passed,
        revisit={
            r.question.id: _teaching_section(r.question) for r in result.questions if r.question.section
        },
    )


def _teaching_section(question: Question) -> tuple[str, str]:
    """The title and address of the section that teaches what ``question`` tests."""
    course: Course = current_app.extensions["course"]
    module = course.module_by_id[question.section.module_id]
    section = module.section_by_id[question.section.section_id]
    return section.title, url_for("learn.section", module_id=module.id, section_id=section.id)


def _render_attempt(
    module: Module, quiz: Quiz, attempt: QuizAttempt, answers: dict, errors: dict, unanswered: list[str] = ()
):
    drawn = [d for d in drawn_questions(attempt) if d.question_id in quiz.question_by_id]
    number = {d.question_id: n for n, d in enumerate(drawn, 1)}
    return render_template(
        "learn/quiz_attempt.html",
        module=module,
        quiz=quiz,
        attempt=attempt,
        drawn=drawn,
        answers=answers,
        answered=sum(d.question_id in answers for d in drawn),
        orders={d.question_id: current_order(d, answers) for d in drawn},
        errors=errors,
        unanswered=[(number[q], q) for q in unanswered],
        form=EmptyForm(),
        question_types=QUESTION_TYPES,
    )
