/*
 * term.h - writing for people at a terminal: colour only when it is wanted
 * (a terminal, NO_COLOR unset, or --color=always), and paragraphs wrapped
 * to the terminal's width with a hanging indent.
 */
#ifndef RXC_CLI_TERM_H
#define RXC_CLI_TERM_H

#include <stdio.h>

typedef enum { TERM_COLOR_AUTO, TERM_COLOR_ALWAYS, TERM_COLOR_NEVER } term_color;

/* Parses "auto", "always", "never"; returns 1 and sets *out, or 0. */
int term_color_parse(const char *s, term_color *out);

typedef struct term {
  FILE *out;
  int color; /* emit ANSI colour codes */
  int width; /* columns to wrap at */
} term;

/* Sets up for stream `out`: colour by the mode (auto: only when out is a
 * terminal and NO_COLOR is unset), width from the terminal, else $COLUMNS,
 * else 80, kept between 40 and 100 for readability. */
void term_init(term *t, FILE *out, term_color mode);

/* SGR codes used by the CLI. */
#define TERM_BOLD "1"
#define TERM_RED "31"
#define TERM_GREEN "32"
#define TERM_YELLOW "33"
#define TERM_CYAN "36"
#define TERM_DIM "2"
#define TERM_BOLD_RED "1;31"

/* Prints a paragraph: `indent` spaces, then `lead` (in colour `sgr` when
 * colour is on; may be NULL), then `text`, wrapped at spaces to the width;
 * continuation lines start at `hang` spaces. Ends with a newline. Control
 * characters in text are shown as '?', so values cannot drive the
 * terminal. */
void term_para(term *t, int indent, int hang, const char *lead,
               const char *sgr, const char *text);

#endif
