"""The download menu (annotations.downloads) a page shows: ``{% download_menu url what %}``."""

from django import template

from annotations.exporting import FORMATS

register = template.Library()


@register.inclusion_tag("annotations/download_menu.html", takes_context=True)
def download_menu(context, url: str, what: str):
    """A link to ``url`` for every format of the registry, with the page's filters (not where its
    page starts: a download holds every page). ``what`` says what the files hold."""
    params = context["request"].GET.copy()
    for paging in ("page", "after", "before"):
        params.pop(paging, None)
    links = []
    for export in FORMATS.values():
        params["format"] = export.name
        links.append((export, f"{url}?{params.urlencode()}"))
    return {"links": links, "what": what}
