/*
 * pipeline.c - a whole export through reader, builder, checker and
 * formatter, on one thread or several, always in input order.
 *
 * The calling thread reads: libcsv hands over raw rows (the reader's raw
 * mode) and reader-level rejects, which are copied into a batch. A full
 * batch is queued; workers take queued batches in order, normalise each row
 * with their own builder, check it with their own checker and format the
 * result into the batch's output buffer. The calling thread hands finished
 * batches to the sink strictly by sequence number. With one job there are
 * no threads: each batch is processed where it is filled, by the same code,
 * so the bytes written cannot depend on the number of jobs.
 *
 * A fixed pool of 2 * jobs + 1 batches is reused for the whole run, so
 * memory is bounded by the pool, not by the input, and a slow sink makes
 * the reader wait instead of queueing without end.
 *
 * With a multi-table layout (options.layout), the header is mapped by the
 * layout and each row goes through an enrich step before the builder: the
 * worker's enricher appends the virtual columns (diagnoses, age,
 * co-medications ...) computed from the layout's read-only indexes, so
 * workers still share nothing they write.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "layout_int.h"
#include "rxcheck/pipeline.h"
#include "rxcheck/report.h"

enum {
  BATCH_ROWS = 1024,          /* rows per batch */
  BATCH_BYTES = 256 * 1024,   /* field bytes per batch, before it is sent */
  MAX_JOBS = 64
};

typedef enum { B_FREE, B_FILLING, B_QUEUED, B_WORKING, B_DONE } bstate;

typedef struct span {
  size_t off, len;
} span;

/* One input row, or a reject the reader found, in input order. */
typedef struct item {
  unsigned long line, number;
  size_t first, n; /* spans[first .. first + n) */
  long rej;        /* index into rejs for a reader reject, else -1 */
} item;

typedef struct batch {
  bstate state;
  unsigned long seq;
  /* Input. */
  char *bytes;
  size_t nbytes, capbytes;
  span *spans;
  size_t nspans, capspans;
  item *items;
  size_t nitems, capitems;
  rxc_reject *rejs; /* the reader's rejects */
  size_t nrejs, caprejs;
  /* Output: one buffer per output. */
  rxc_buf out[RXC_PIPELINE_MAX_OUTPUTS];
  rxc_reject *orejs; /* every reject, in order */
  size_t norejs, caporejs;
  rxc_tally tally;
  unsigned long valid, rejected, rejected_by[RXC_REJ__COUNT];
  rxc_status status;
} batch;

/* What a worker owns: its normaliser, checker and scratch. */
typedef struct worker {
  struct pipeline *pl;
  pthread_t thread;
  int started;
  rxc_builder *builder;
  rxc_checker *checker;
  rxc__enricher *enricher; /* with a layout */
  rxc_str *fields;
  size_t capfields;
} worker;

typedef struct pipeline {
  const rxc_ruleset *rs;
  const rxc_pipeline_options *o;
  rxc_input_options io;       /* o->input with the run date fixed */
  const rxc_pipeline_sink *sink;
  const rxc_schema *schema;
  /* With a layout: the mapping of the prescriptions header, the extended
   * schema, and the error of a header the layout could not map. */
  rxc__rowmap *rowmap;
  rxc_schema *layout_schema;
  rxc_error header_err;
  int header_failed;
  int jobs;
  size_t nout;                /* outputs, at least 1 */
  rxc_format fmt[RXC_PIPELINE_MAX_OUTPUTS];
  batch *pool;
  size_t npool;
  batch *cur;                 /* being filled, or NULL */
  unsigned long next_seq;     /* of the next batch to fill */
  unsigned long next_write;   /* of the next batch to hand to the sink */
  unsigned long next_work;    /* of the next batch a worker takes */
  worker *workers;
  pthread_mutex_t mu;
  pthread_cond_t work_cv;     /* a batch was queued, or quitting */
  pthread_cond_t done_cv;     /* a batch is done */
  int quit;
  int threads_live;
  rxc_status status;          /* first failure */
  /* Totals of the batches written. */
  unsigned long valid, rejected, rejected_by[RXC_REJ__COUNT];
  rxc_tally *tally;           /* the caller's */
} pipeline;

/* ---- batches ------------------------------------------------------------ */

static void batch_reset(batch *b) {
  b->nbytes = b->nspans = b->nitems = b->nrejs = b->norejs = 0;
  for (size_t i = 0; i < RXC_PIPELINE_MAX_OUTPUTS; i++) b->out[i].len = 0;
  rxc_tally_reset(&b->tally);
  b->valid = b->rejected = 0;
  memset(b->rejected_by, 0, sizeof b->rejected_by);
  b->status = RXC_OK;
}

static void batch_free(batch *b) {
  rxc__free(b->bytes);
  rxc__free(b->spans);
  rxc__free(b->items);
  rxc__free(b->rejs);
  rxc__free(b->orejs);
  for (size_t i = 0; i < RXC_PIPELINE_MAX_OUTPUTS; i++) rxc_buf_free(&b->out[i]);
  rxc_tally_free(&b->tally);
}

static int batch_full(const batch *b) {
  return b->nitems >= BATCH_ROWS || b->nbytes >= BATCH_BYTES;
}

/* The reader hands over a row's fields in one block, in order (its record
 * buffer): the bytes are copied with one memcpy and the spans rebased. */
static rxc_status add_row(batch *b, const rxc_str *f, size_t n,
                          unsigned long line, unsigned long number) {
  const char *base = n ? f[0].ptr : NULL;
  size_t bytes = n ? (size_t)(f[n - 1].ptr - base) + f[n - 1].len : 0;
  if (rxc__grow((void **)&b->bytes, &b->capbytes, b->nbytes + bytes + 1, 1) ||
      rxc__grow((void **)&b->spans, &b->capspans, b->nspans + n + 1,
                sizeof *b->spans) ||
      rxc__grow((void **)&b->items, &b->capitems, b->nitems + 1,
                sizeof *b->items))
    return RXC_ENOMEM;
  item *it = &b->items[b->nitems++];
  it->line = line;
  it->number = number;
  it->first = b->nspans;
  it->n = n;
  it->rej = -1;
  if (bytes) memcpy(b->bytes + b->nbytes, base, bytes);
  span *s = b->spans + b->nspans;
  for (size_t i = 0; i < n; i++)
    s[i] = (span){b->nbytes + (size_t)(f[i].ptr - base), f[i].len};
  b->nspans += n;
  b->nbytes += bytes;
  return RXC_OK;
}

static rxc_status add_reject(batch *b, const rxc_reject *rej) {
  if (rxc__grow((void **)&b->rejs, &b->caprejs, b->nrejs + 1,
                sizeof *b->rejs) ||
      rxc__grow((void **)&b->items, &b->capitems, b->nitems + 1,
                sizeof *b->items))
    return RXC_ENOMEM;
  b->rejs[b->nrejs] = *rej;
  item *it = &b->items[b->nitems++];
  memset(it, 0, sizeof *it);
  it->line = rej->line;
  it->rej = (long)b->nrejs++;
  return RXC_OK;
}

static rxc_status out_reject(batch *b, const rxc_reject *rej) {
  if (rxc__grow((void **)&b->orejs, &b->caporejs, b->norejs + 1,
                sizeof *b->orejs))
    return RXC_ENOMEM;
  b->orejs[b->norejs++] = *rej;
  return RXC_OK;
}

/* ---- the work: normalise, check, format one batch ------------------------ */

static rxc_status process(worker *w, batch *b) {
  const rxc_pipeline_options *o = w->pl->o;
  for (size_t i = 0; i < b->nitems; i++) {
    const item *it = &b->items[i];
    if (it->rej >= 0) {
      /* Counted by the reader; kept here only for the order. */
      if (out_reject(b, &b->rejs[it->rej]) != RXC_OK) return RXC_ENOMEM;
      continue;
    }
    if (rxc__grow((void **)&w->fields, &w->capfields, it->n ? it->n : 1,
                  sizeof *w->fields))
      return RXC_ENOMEM;
    for (size_t k = 0; k < it->n; k++) {
      const span *s = &b->spans[it->first + k];
      w->fields[k] = (rxc_str){b->bytes + s->off, s->len};
    }
    const rxc_record *rec;
    rxc_reject rej;
    const rxc_str *fields = w->fields;
    size_t nfields = it->n;
    int built = 1;
    if (w->enricher)
      built = rxc__enrich(w->enricher, w->fields, it->n, it->line, it->number,
                          w->pl->io.today, &fields, &nfields, &rej);
    if (built > 0) {
      built = rxc_builder_build_lazy(w->builder, fields, nfields, it->line,
                                     it->number, &rec, &rej);
      /* Only in-scope records need their lists split. */
      if (built > 0 && rxc_checker_in_scope(w->checker, rec) &&
          rxc_builder_lists(w->builder) != 0)
        built = -1;
      /* A reject in a virtual column names the column it came from. */
      if (built == 0 && w->pl->rowmap)
        rej.column = rxc__rowmap_source_column(w->pl->rowmap, rej.column);
    }
    if (built < 0) return RXC_ENOMEM;
    if (built == 0) {
      b->rejected++;
      b->rejected_by[rej.reason]++;
      if (out_reject(b, &rej) != RXC_OK) return RXC_ENOMEM;
      continue;
    }
    b->valid++;
    const rxc_result *res;
    if (rxc_checker_check(w->checker, rec, &res) != RXC_OK) return RXC_ENOMEM;
    rxc_tally_add(&b->tally, res, o->fail_on);
    if (o->only_in_scope && res->status == RXC_V_OUT_OF_SCOPE) continue;
    for (size_t k = 0; k < w->pl->nout; k++) {
      if (w->pl->fmt[k] == RXC_FORMAT_SARIF)
        rxc_sarif_result(&b->out[k], w->pl->rs, o->run, rec, res);
      else
        rxc_format_result(&b->out[k], w->pl->fmt[k], w->pl->rs, rec, res);
    }
  }
  for (size_t k = 0; k < w->pl->nout; k++)
    if (b->out[k].failed) return RXC_ENOMEM;
  return RXC_OK;
}

/* Hands output k's bytes to the sink; non-zero when it refused them. */
static int sink_write(const pipeline *pl, size_t k, const char *data,
                      size_t n) {
  const rxc_pipeline_sink *s = pl->sink;
  if (pl->o->noutputs) return s->write_out(k, data, n, s->ud);
  return s->write(data, n, s->ud);
}

static void *worker_main(void *arg) {
  worker *w = arg;
  pipeline *pl = w->pl;
  pthread_mutex_lock(&pl->mu);
  for (;;) {
    batch *b = NULL;
    while (!pl->quit) {
      for (size_t i = 0; i < pl->npool && !b; i++)
        if (pl->pool[i].state == B_QUEUED && pl->pool[i].seq == pl->next_work)
          b = &pl->pool[i];
      if (b) break;
      pthread_cond_wait(&pl->work_cv, &pl->mu);
    }
    if (!b) break;
    b->state = B_WORKING;
    pl->next_work++;
    pthread_cond_broadcast(&pl->work_cv); /* the next batch may be queued */
    pthread_mutex_unlock(&pl->mu);
    rxc_status st = process(w, b);
    pthread_mutex_lock(&pl->mu);
    b->status = st;
    b->state = B_DONE;
    pthread_cond_broadcast(&pl->done_cv);
  }
  pthread_mutex_unlock(&pl->mu);
  return NULL;
}

/* ---- writing in order ------------------------------------------------------ */

/* Hands a finished batch to the sink and adds its counts. */
static rxc_status emit(pipeline *pl, batch *b) {
  rxc_status st = b->status;
  const rxc_pipeline_sink *s = pl->sink;
  for (size_t k = 0; k < pl->nout && st == RXC_OK; k++)
    if (b->out[k].len && sink_write(pl, k, b->out[k].data, b->out[k].len))
      st = RXC_EIO;
  for (size_t i = 0; i < b->norejs && st == RXC_OK; i++)
    if (s->reject && s->reject(&b->orejs[i], s->ud)) st = RXC_EIO;
  pl->valid += b->valid;
  pl->rejected += b->rejected;
  for (int r = 0; r < RXC_REJ__COUNT; r++)
    pl->rejected_by[r] += b->rejected_by[r];
  rxc_tally_merge(pl->tally, &b->tally);
  batch_reset(b);
  b->state = B_FREE;
  pl->next_write++;
  return st;
}

/* Writes every done batch that is next in order, waiting for a batch that
 * is not done yet only while its sequence number is below `until` (0:
 * never wait). Called with the mutex held when threads run. */
static void drain(pipeline *pl, unsigned long until) {
  for (;;) {
    batch *next = NULL;
    for (size_t i = 0; i < pl->npool && !next; i++)
      if (pl->pool[i].state != B_FREE && pl->pool[i].state != B_FILLING &&
          pl->pool[i].seq == pl->next_write)
        next = &pl->pool[i];
    if (!next) return;
    if (next->state != B_DONE) {
      if (pl->next_write >= until) return;
      pthread_cond_wait(&pl->done_cv, &pl->mu);
      continue;
    }
    rxc_status st = emit(pl, next);
    if (st != RXC_OK && pl->status == RXC_OK) pl->status = st;
  }
}

/* Sends the batch being filled off to be worked on. */
static rxc_status submit(pipeline *pl) {
  batch *b = pl->cur;
  pl->cur = NULL;
  if (!b) return RXC_OK;
  if (pl->jobs == 1) {
    b->status = process(&pl->workers[0], b);
    b->state = B_DONE;
    rxc_status st = emit(pl, b);
    if (st != RXC_OK && pl->status == RXC_OK) pl->status = st;
    return pl->status;
  }
  pthread_mutex_lock(&pl->mu);
  b->state = B_QUEUED;
  pthread_cond_broadcast(&pl->work_cv);
  drain(pl, 0);
  pthread_mutex_unlock(&pl->mu);
  return pl->status;
}

/* A batch to fill: a free one from the pool, waiting for the oldest to be
 * written when none is free. */
static batch *take(pipeline *pl) {
  if (pl->cur) return pl->cur;
  if (pl->jobs > 1) pthread_mutex_lock(&pl->mu);
  batch *b = NULL;
  for (;;) {
    for (size_t i = 0; i < pl->npool && !b; i++)
      if (pl->pool[i].state == B_FREE) b = &pl->pool[i];
    if (b || pl->jobs == 1) break;
    drain(pl, pl->next_write + 1);
  }
  if (b) {
    b->state = B_FILLING;
    b->seq = pl->next_seq++;
  }
  if (pl->jobs > 1) pthread_mutex_unlock(&pl->mu);
  pl->cur = b;
  return b;
}

/* ---- reader callbacks -------------------------------------------------------- */

static int start_workers(pipeline *pl);

static int on_header(const rxc_schema *schema, void *ud) {
  pipeline *pl = ud;
  pl->schema = schema;
  if (start_workers(pl) != 0) return 1;
  int bad = 0;
  for (size_t k = 0; k < pl->nout && !bad; k++) {
    rxc_buf head = {0};
    rxc_format_header(&head, pl->fmt[k], schema);
    if (head.failed) {
      pl->status = RXC_ENOMEM;
      bad = 1;
    } else if (head.len && sink_write(pl, k, head.data, head.len)) {
      pl->status = RXC_EIO;
      bad = 1;
    }
    rxc_buf_free(&head);
  }
  return bad;
}

/* Raw header mode, with a layout: the layout maps the header. */
static int on_header_row(const rxc_str *header, size_t n, unsigned long line,
                         void *ud) {
  pipeline *pl = ud;
  rxc_error *e = &pl->header_err;
  rxc_status st = rxc__layout_map(pl->o->layout, header, n, &pl->rowmap,
                                  &pl->layout_schema, e);
  if (st != RXC_OK) {
    e->line = line;
    pl->header_failed = 1;
    pl->status = st;
    return 1;
  }
  return on_header(pl->layout_schema, ud);
}

static int on_row(const rxc_str *fields, size_t n, unsigned long line,
                  unsigned long number, void *ud) {
  pipeline *pl = ud;
  if (pl->status != RXC_OK) return 1;
  batch *b = take(pl);
  if (!b || add_row(b, fields, n, line, number) != RXC_OK) {
    pl->status = RXC_ENOMEM;
    return 1;
  }
  if (batch_full(b) && submit(pl) != RXC_OK) return 1;
  return pl->o->stop && *pl->o->stop;
}

static int on_reject(const rxc_reject *rej, void *ud) {
  pipeline *pl = ud;
  if (pl->status != RXC_OK) return 1;
  batch *b = take(pl);
  if (!b || add_reject(b, rej) != RXC_OK) {
    pl->status = RXC_ENOMEM;
    return 1;
  }
  return pl->o->stop && *pl->o->stop;
}

/* ---- set-up and the run ----------------------------------------------------- */

static int start_workers(pipeline *pl) {
  for (int i = 0; i < pl->jobs; i++) {
    worker *w = &pl->workers[i];
    w->pl = pl;
    if (rxc_builder_new(pl->schema, &pl->io, &w->builder) != RXC_OK ||
        rxc_checker_new(pl->rs, &w->checker) != RXC_OK ||
        (pl->rowmap && rxc__enricher_new(pl->o->layout, pl->rowmap,
                                         &w->enricher) != RXC_OK)) {
      pl->status = RXC_ENOMEM;
      return -1;
    }
    rxc_checker_set_explain(w->checker, pl->o->explain);
    rxc_checker_set_suppressions(w->checker, pl->o->suppressions);
    rxc_checker_set_as_of(w->checker, pl->o->as_of);
  }
  if (pl->jobs == 1) return 0;
  for (int i = 0; i < pl->jobs; i++) {
    if (pthread_create(&pl->workers[i].thread, NULL, worker_main,
                       &pl->workers[i]) != 0) {
      pl->status = RXC_ENOMEM;
      return -1;
    }
    pl->workers[i].started = 1;
  }
  pl->threads_live = 1;
  return 0;
}

static void stop_workers(pipeline *pl) {
  if (!pl->threads_live) return;
  pthread_mutex_lock(&pl->mu);
  pl->quit = 1;
  pthread_cond_broadcast(&pl->work_cv);
  pthread_mutex_unlock(&pl->mu);
  for (int i = 0; i < pl->jobs; i++)
    if (pl->workers[i].started) pthread_join(pl->workers[i].thread, NULL);
  pl->threads_live = 0;
}

rxc_status rxc_pipeline_run(const rxc_ruleset *rs,
                            const rxc_pipeline_options *o, FILE *in,
                            const char *name, const rxc_pipeline_sink *sink,
                            rxc_read_stats *stats, rxc_tally *tally,
                            rxc_error *err) {
  memset(stats, 0, sizeof *stats);
  rxc_tally_reset(tally);
  if (o->jobs < 1 || o->jobs > MAX_JOBS) {
    rxc_error_set(err, RXC_EUSAGE, name, 0, 0,
                  "jobs must be between 1 and %d", (int)MAX_JOBS);
    return RXC_EUSAGE;
  }
  if (!sink || (o->noutputs ? !sink->write_out : !sink->write) ||
      o->noutputs > RXC_PIPELINE_MAX_OUTPUTS) {
    rxc_error_set(err, RXC_EUSAGE, name, 0, 0,
                  "a sink for each of at most %d outputs is needed",
                  (int)RXC_PIPELINE_MAX_OUTPUTS);
    return RXC_EUSAGE;
  }
  pipeline pl;
  memset(&pl, 0, sizeof pl);
  pl.rs = rs;
  pl.o = o;
  pl.sink = sink;
  pl.tally = tally;
  pl.jobs = o->jobs;
  pl.nout = o->noutputs ? o->noutputs : 1;
  for (size_t k = 0; k < pl.nout; k++)
    pl.fmt[k] = o->noutputs ? o->formats[k] : o->format;
  pl.npool = o->jobs == 1 ? 1 : (size_t)o->jobs * 2 + 1;
  rxc_input_options io = o->input;
  if (o->stop) io.stop = o->stop;
  /* One run date for the reader, the builders and the enrich step. */
  if (!io.today.year) io.today = rxc_date_today();
  pl.io = io;
  pl.pool = rxc__calloc(pl.npool, sizeof *pl.pool);
  pl.workers = rxc__calloc((size_t)pl.jobs, sizeof *pl.workers);
  rxc_reader *reader = NULL;
  rxc_status st = RXC_OK;
  int sync_live = 0;
  if (!pl.pool || !pl.workers || rxc_reader_new(&io, &reader)) {
    st = RXC_ENOMEM;
    goto done;
  }
  /* Batch tallies keep the detail when the caller's does. */
  for (size_t i = 0; tally->detail && i < pl.npool; i++)
    if (rxc_tally_init(&pl.pool[i].tally, rs, o->suppressions) != RXC_OK) {
      st = RXC_ENOMEM;
      goto done;
    }
  if (pthread_mutex_init(&pl.mu, NULL) != 0) {
    st = RXC_ENOMEM;
    goto done;
  }
  if (pthread_cond_init(&pl.work_cv, NULL) != 0) {
    pthread_mutex_destroy(&pl.mu);
    st = RXC_ENOMEM;
    goto done;
  }
  if (pthread_cond_init(&pl.done_cv, NULL) != 0) {
    pthread_cond_destroy(&pl.work_cv);
    pthread_mutex_destroy(&pl.mu);
    st = RXC_ENOMEM;
    goto done;
  }
  sync_live = 1;

  rxc_reader_callbacks cb = {on_header, NULL, on_reject, &pl, on_row};
  if (o->layout) rxc_reader_set_header_handler(reader, on_header_row, &pl);
  st = rxc_reader_run(reader, in, name, &cb, err);
  if (pl.header_failed && err) {
    *err = pl.header_err;
    snprintf(err->file, sizeof err->file, "%s", name ? name : "-");
  }
  /* What was read is checked and written, also after a stop. */
  if (pl.status == RXC_OK || st == RXC_ESTOP) {
    rxc_status sub = submit(&pl);
    if (sub != RXC_OK && pl.status == RXC_OK) pl.status = sub;
    if (pl.jobs > 1) {
      pthread_mutex_lock(&pl.mu);
      drain(&pl, pl.next_seq);
      pthread_mutex_unlock(&pl.mu);
    }
  }
  if (pl.status != RXC_OK) st = pl.status;
  else if (st == RXC_ESTOP && !(o->stop && *o->stop)) st = RXC_EIO;

done:
  stop_workers(&pl);
  if (reader) {
    *stats = *rxc_reader_stats(reader);
    stats->valid += pl.valid;
    stats->rejected += pl.rejected;
    for (int r = 0; r < RXC_REJ__COUNT; r++)
      stats->rejected_by[r] += pl.rejected_by[r];
    /* Rows read but never checked (a failure mid-run) are not counted as
     * read, so the counts always reconcile. */
    stats->rows_read = stats->valid + stats->rejected;
  }
  if (sync_live) {
    pthread_cond_destroy(&pl.done_cv);
    pthread_cond_destroy(&pl.work_cv);
    pthread_mutex_destroy(&pl.mu);
  }
  for (int i = 0; pl.workers && i < pl.jobs; i++) {
    rxc_builder_free(pl.workers[i].builder);
    rxc_checker_free(pl.workers[i].checker);
    rxc__enricher_free(pl.workers[i].enricher);
    rxc__free(pl.workers[i].fields);
  }
  for (size_t i = 0; pl.pool && i < pl.npool; i++) batch_free(&pl.pool[i]);
  rxc__free(pl.pool);
  rxc__free(pl.workers);
  rxc_reader_free(reader);
  rxc__rowmap_free(pl.rowmap);
  rxc_schema_free(pl.layout_schema);
  return st;
}
