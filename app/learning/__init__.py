"""Pure functions over content and answers: drawing and grading quizzes. No Flask, no database."""
