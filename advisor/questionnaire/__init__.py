"""The guided questionnaire shared by the terminal and the web pages."""
