"""Product descriptions are merchant-written HTML shown to shoppers: only a safe subset survives."""

import nh3

ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "caption", "div", "em", "figcaption", "figure", "h2", "h3", "h4", "hr", "i",
    "img", "li", "ol", "p", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u",
    "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


def clean_description_html(html: str) -> str:
    """Strip scripts, event handlers, styles and unknown tags; keep formatting, links and images."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()
