# English dates the British way, as the app showed them before it spoke Hungarian
# (`9 June 2025`, `9 Jun 2025 14:30`); what is not set here comes from Django's.
DATE_FORMAT = "j F Y"
YEAR_MONTH_FORMAT = "F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
