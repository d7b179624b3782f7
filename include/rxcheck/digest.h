/*
 * rxcheck/digest.h - the SHA-256 of an input, for provenance.
 *
 * A file is hashed on a thread of its own that reads it independently of
 * the checking pass, so on a machine with a spare core the hash costs no
 * wall time; a stream that cannot be read twice (standard input, a pipe)
 * is hashed as the checking pass reads it, through a wrapping stream. For
 * a gzipped file the hash is of the file as stored (what `sha256sum`
 * prints), not of the decompressed CSV.
 */
#ifndef RXCHECK_DIGEST_H
#define RXCHECK_DIGEST_H

#include <stdio.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rxc_digest rxc_digest;

/* Starts hashing the regular file at `path` on a new thread. RXC_EIO when
 * it cannot be opened or is not a regular file (err says why), RXC_ENOMEM.
 * The caller owns *out: rxc_digest_finish for the value, then
 * rxc_digest_free (which also stops an unfinished hash). */
RXC_API RXC_NODISCARD rxc_status rxc_digest_file(const char *path,
                                                 rxc_digest **out,
                                                 rxc_error *err);
/* Wraps `in`: every byte read through *wrapped is hashed. Read from
 * *wrapped instead of `in` from then on; closing *wrapped does not close
 * `in`. *wrapped reads `in`'s descriptor directly, so `in` must hold no
 * buffered input (fresh, or just after a seek); a read interrupted by a
 * signal fails with EINTR, as on `in` itself. RXC_ENOMEM is the only failure. The caller owns both *out and
 * *wrapped (fclose it before rxc_digest_free). */
RXC_API RXC_NODISCARD rxc_status rxc_digest_stream(FILE *in, rxc_digest **out,
                                                   FILE **wrapped);
/* The hash as 64 lower-case hex digits and a NUL, once the whole input has
 * been hashed: waits for a file's thread; a stream's value covers what was
 * read through it, so read it to its end first. RXC_EIO when the file
 * could not be read to its end. Call once. */
RXC_API RXC_NODISCARD rxc_status rxc_digest_finish(rxc_digest *d,
                                                   char hex[65]);
/* Stops and frees; NULL is accepted. */
RXC_API void rxc_digest_free(rxc_digest *d);

#ifdef __cplusplus
}
#endif
#endif
