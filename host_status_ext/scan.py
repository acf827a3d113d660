"""What the raw bytes of nova's response body tell, before any decoding.

nova 34's own view writes host_status on the same routes, at the same
microversions and under the same two policy rules as this filter, and its
value is the specification's in every case but one: a compute service both
forced down and disabled, which nova calls ``DOWN`` and the specification
``MAINTENANCE``. A body in which nova wrote the field and that holds no
``DOWN`` value is therefore already right, and looking for two byte strings
in it costs far less than decoding it.

Both answers err only towards more work, never towards a wrong body: a
``"DOWN"`` elsewhere (a server's name) costs a decode, and a field name
written with escapes reads as absent, which costs the full path.
"""

import re

FIELD = b'"host_status"'
DOWN = b'"DOWN"'

# NOTE: JSON may write any character of a string as a \u escape. nova's
# encoder never escapes an ASCII letter, but another one could write DOWN
# as "\u0044OWN": a body with an escaped D, O, W or N is not taken as free
# of DOWN on the strength of the plain scan alone.
_ESCAPE = b'\\u00'
_ESCAPED_DOWN_LETTER = re.compile(rb'\\u00(?:44|4[eEfF]|57)')


def has_field(body):
    """Whether the JSON *body* names host_status anywhere.

    True for every body in which nova wrote the field. Also true where a
    server's metadata has a key of that name: see the admin guide's
    "Beside nova's own host_status" for what that costs.
    """
    return FIELD in body


def may_hold_down(body):
    """Whether the JSON *body* could hold the string value ``"DOWN"``.

    False only when no encoding of that string is anywhere in *body*.
    """
    if DOWN in body:
        return True
    return _ESCAPE in body and _ESCAPED_DOWN_LETTER.search(body) is not None
