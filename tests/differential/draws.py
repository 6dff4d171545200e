"""Checks of random draws (SRANDMEMBER, SPOP, ZRANDMEMBER, HRANDFIELD) against the state
held just before the draw. Each returns None when the reply is a possible draw, or a string
saying why it is not. Replies are typed nodes (support.resp.parse_typed)."""


def single_pick(node, before, noun):
    """A draw without a count: one bulk string that is one of `before`'s keys."""
    if node[0] != b"$":
        return "one %s expected, got %r" % (noun, node)
    if node[1] not in before:
        return "drew %r, not a %s" % (node[1], noun)
    return None


def bulk_picks(node, before, noun):
    """The picks of an array of bulk strings, or why it is not one of `before`'s members."""
    kind, body = node
    if kind not in (b"*", b"~") or not isinstance(body, list):
        return "not an array: %r" % (node,)
    picks = []
    for child in body:
        if child[0] != b"$":
            return "not a bulk string: %r" % (child,)
        if child[1] not in before:
            return "drew %r, not a %s" % (child[1], noun)
        picks.append(child[1])
    return picks


def paired_picks(pairs, before, noun, attribute):
    """The picks of (name node, attribute node) pairs, each name one of `before`'s keys and
    each attribute the one `before` holds for it; or why not."""
    picks = []
    for name, value in pairs:
        if name[1] not in before:
            return "drew %r, not a %s" % (name[1], noun)
        if value != before[name[1]]:
            return "drew %r with %s %r, its %s is %r" % (name[1], attribute, value, attribute, before[name[1]])
        picks.append(name[1])
    return picks


def count_problem(picks, count, population, noun):
    """A positive count draws min(count, population) distinct members; a negative one
    exactly -count, repeats allowed."""
    if count > 0:
        if len(set(picks)) != len(picks):
            return "a positive count drew a %s twice: %r" % (noun, sorted(picks))
        if len(picks) != min(count, population):
            return "count %d from %d %ss drew %d" % (count, population, noun, len(picks))
    elif len(picks) != -count:
        return "count %d drew %d %ss" % (count, len(picks), noun)
    return None
