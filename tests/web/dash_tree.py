"""Helpers to look into a Dash component tree as the browser would get it."""


def walk(component):
    """Every Dash component and plain string below ``component``, itself included."""
    yield component
    children = getattr(component, "children", None)
    if children is None:
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None:
            yield from walk(child)


def find(tree, component_id):
    """The one component with ``component_id`` (fails when there is none or more)."""
    found = [c for c in walk(tree) if getattr(c, "id", None) == component_id]
    assert len(found) == 1, f"{component_id!r} found {len(found)} times"
    return found[0]


def text(tree) -> str:
    """All text of a tree, joined by spaces."""
    return " ".join(str(c) for c in walk(tree) if isinstance(c, str | int | float))


def row_texts(tree, row_id) -> list[str]:
    """The text of each cell of the table row ``row_id``."""
    return [text(cell) for cell in find(tree, row_id).children]
