"""`park-advisor serve`: the questionnaire and the results as local web pages.

app.py builds the FastAPI application; store.py keeps parks and answers (SQLAlchemy); forms.py turns
questions into form fields and form fields back into answers (with the questionnaire's Reader);
service.py computes profile, advice, reports and what-if; pages.py holds the routes; texts.py the labels.
Templates live in reports/templates/web/ so that the wheel ships them with the report templates.
"""
