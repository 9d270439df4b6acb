/*
 * css.h - a CSS selector subset translated into XPath 1.0, the way
 * Python's cssselect (HTMLTranslator) translates it.
 */
#ifndef SITEWATCH_CSS_H
#define SITEWATCH_CSS_H

#include <stddef.h>

/*
 * Translates the CSS selector group sel into an XPath 1.0 expression that
 * selects the matching elements among the context node and its
 * descendants (every alternative starts with "descendant-or-self::").
 * The subset: type, '*', #id, .class, [attr], [attr=v], ~=, ^=, $=, *=,
 * the descendant, '>', '+' and '~' combinators, ',', :first-child,
 * :last-child, :nth-child(an+b) and :not(compound).  Element and
 * attribute names are lowercased (HTML); values are case-sensitive.
 *
 * Returns a malloc'd string, or NULL with a one-line reason in err
 * (what part is outside the subset, or what is malformed, with its
 * offset).  Pure: no I/O, no global state.
 */
char *css_to_xpath(const char *sel, char *err, size_t errsz);

#endif
