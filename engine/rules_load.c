/*
 * rules_load.c - loading rulesets: from files in memory, from a directory
 * (one pack, or a directory of packs), or from the packs built into the
 * library; and freeing them.
 *
 * Each pack's files are sorted by file name, hashed, parsed into YAML
 * trees and turned into the model by rules_pack.c. Diagnostics are held
 * back and handed to the caller sorted by file and position once every
 * pack has been read, so that all of them are reported. Any error refuses
 * the whole ruleset: the caller gets RXC_ERULES (or RXC_EIO, RXC_ENOMEM)
 * and NULL, and everything built so far is released through one path.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "builtin.h"
#include "hash.h"
#include "json_out.h"
#include "rules_load.h"

/* A pack as built, before the packs are sorted by name. */
typedef struct built {
  rxc__pack pack;
  const rxc__ynode *name_node;
} built;

typedef struct loader {
  rxc__ld ld;
  rxc_ruleset *rs;
  built *packs;
  size_t npacks, cap;
} loader;

static int loader_init(loader *L, rxc_diag_fn diag, void *ud) {
  memset(L, 0, sizeof *L);
  L->ld.diag = diag;
  L->ld.ud = ud;
  L->rs = rxc__calloc(1, sizeof *L->rs);
  if (!L->rs) return -1;
  L->ld.arena = &L->rs->arena;
  return 0;
}

static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* Loads one pack from files (names as shown in messages); dir names the
 * pack's origin. */
static void load_pack(loader *L, const rxc_rule_file *files, size_t n,
                      const char *dir) {
  rxc__ld *ld = &L->ld;
  if (n == 0) {
    rxc__ld_report(ld, RXC_ERULES, dir, ld->seq++, 0, 0,
                   "no rule files (*.yaml) in the pack");
    return;
  }
  /* Sorted by base name, which is also what the hash frames, so a pack
   * hashes the same wherever it was loaded from: h[i] is the hashed view
   * (base name) of shown[i]. */
  rxc_rule_file *shown = rxc__arena_alloc(&ld->tmp, n * sizeof *shown);
  rxc_rule_file *h = rxc__arena_alloc(&ld->tmp, n * sizeof *h);
  rxc__ydoc *docs = rxc__arena_alloc(&ld->tmp, n * sizeof *docs);
  if (!shown || !h || !docs) {
    ld->oom = 1;
    return;
  }
  for (size_t i = 0; i < n; i++) { /* insertion sort: packs are small */
    rxc_rule_file f = files[i], fh = f;
    if (!f.name) f.name = fh.name = "";
    fh.name = base_name(f.name);
    size_t j = i;
    while (j > 0 && strcmp(h[j - 1].name, fh.name) > 0) {
      h[j] = h[j - 1];
      shown[j] = shown[j - 1];
      j--;
    }
    h[j] = fh;
    shown[j] = f;
  }
  for (size_t i = 0; i < n; i++) {
    rxc__ydoc *d = &docs[i];
    /* The name outlives the file's bytes (duplicate pack names are
     * reported after every pack is read). */
    d->name =
        rxc__arena_strndup(&ld->tmp, shown[i].name, strlen(shown[i].name));
    if (!d->name) {
      ld->oom = 1;
      return;
    }
    d->data = shown[i].data ? shown[i].data : "";
    d->len = shown[i].data ? shown[i].len : 0;
    d->seq = ld->seq++;
    if (i && !strcmp(h[i].name, h[i - 1].name)) {
      rxc__ld_error_pos(ld, d, 0, 0, "two files of the pack are named '%s'",
                        h[i].name);
      d->failed = 1;
      continue;
    }
    if (d->len > RXC__RULE_FILE_MAX) {
      rxc__ld_error_pos(ld, d, 0, 0,
                        "the file is larger than 4 MiB; rule files are "
                        "small");
      d->failed = 1;
      continue;
    }
    if (rxc__ydoc_parse(d, &ld->tmp, rxc__ld_yaml_report, ld)) {
      ld->oom = 1;
      return;
    }
  }
  char hash[RXC__HASH_SIZE];
  rxc__hash_files(h, n, hash);
  if (rxc__grow((void **)&L->packs, &L->cap, L->npacks + 1, sizeof *L->packs)) {
    ld->oom = 1;
    return;
  }
  built *b = &L->packs[L->npacks++];
  memset(b, 0, sizeof *b);
  b->pack.info.hash = rxc__ld_keep(ld, hash);
  b->pack.dir = rxc__ld_keep(ld, dir);
  if (rxc__pack_build(ld, docs, n, &b->pack, &b->name_node)) ld->oom = 1;
}

void rxc__pack_release(rxc__pack *p) {
  if (!p) return;
  rxc__codeset_free(&p->drug_codes);
  for (size_t i = 0; i < p->nnames; i++) rxc__pattern_free(p->names[i]);
  for (size_t i = 0; i < p->nformulations; i++) {
    rxc__formulation *f = &p->formulations[i];
    rxc__codeset_free(&f->codes);
    for (size_t j = 0; j < f->nnames; j++) rxc__pattern_free(f->names[j]);
    for (size_t j = 0; j < f->nforms; j++) rxc__pattern_free(f->forms[j]);
    f->nnames = f->nforms = 0;
  }
  for (size_t i = 0; i < p->nindications; i++) {
    rxc__codeset_free(&p->indications[i].codes);
    rxc__codeset_free(&p->indications[i].exclude);
  }
  for (size_t i = 0; i < p->nfindings; i++)
    rxc__cond_release(&p->findings[i].when);
  p->nnames = 0;
}

void rxc_ruleset_free(rxc_ruleset *rs) {
  if (!rs) return;
  for (size_t i = 0; i < rs->npacks; i++) rxc__pack_release(&rs->packs[i]);
  rxc__arena_free(&rs->arena);
  rxc__free(rs);
}

/* Sorts the packs, checks their names, reports, and hands over the
 * ruleset or releases everything. */
static rxc_status finish(loader *L, rxc_ruleset **out) {
  rxc__ld *ld = &L->ld;
  *out = NULL;
  if (!ld->oom && L->npacks > 1) {
    /* Packs were appended in load order; remember it for ties. */
    size_t *order = rxc__malloc(L->npacks * sizeof *order);
    if (!order) {
      ld->oom = 1;
    } else {
      for (size_t i = 0; i < L->npacks; i++) order[i] = i;
      for (size_t i = 1; i < L->npacks; i++) { /* stable insertion sort */
        size_t k = order[i], j = i;
        while (j > 0) {
          const char *a = L->packs[order[j - 1]].pack.info.name;
          const char *b = L->packs[k].pack.info.name;
          if (strcmp(a ? a : "", b ? b : "") <= 0) break;
          order[j] = order[j - 1];
          j--;
        }
        order[j] = k;
      }
      for (size_t i = 1; i < L->npacks; i++) {
        const built *a = &L->packs[order[i - 1]], *b = &L->packs[order[i]];
        if (!a->name_node || !b->name_node) continue;
        if (strcmp(a->pack.info.name, b->pack.info.name)) continue;
        rxc__ld_error(
            ld, b->name_node, "pack name '%s' is already used by %s:%lu",
            b->pack.info.name, a->name_node->doc->name, a->name_node->line);
      }
      built *sorted = rxc__malloc(L->npacks * sizeof *sorted);
      if (!sorted) {
        ld->oom = 1;
      } else {
        for (size_t i = 0; i < L->npacks; i++) sorted[i] = L->packs[order[i]];
        memcpy(L->packs, sorted, L->npacks * sizeof *sorted);
        rxc__free(sorted);
      }
      rxc__free(order);
    }
  }
  rxc_status st = RXC_OK;
  if (ld->oom)
    st = RXC_ENOMEM;
  else if (ld->eio)
    st = RXC_EIO;
  else if (ld->nerrors)
    st = RXC_ERULES;
  if (st == RXC_OK && L->npacks) {
    L->rs->packs =
        rxc__arena_alloc(&L->rs->arena, L->npacks * sizeof *L->rs->packs);
    if (!L->rs->packs) {
      st = RXC_ENOMEM;
    } else {
      for (size_t i = 0; i < L->npacks; i++) L->rs->packs[i] = L->packs[i].pack;
      L->rs->npacks = L->npacks;
      if (rxc__render_identity(L->rs) != 0) st = RXC_ENOMEM;
    }
  }
  rxc__ld_flush(ld);
  if (st != RXC_OK) {
    for (size_t i = 0; i < L->npacks; i++) rxc__pack_release(&L->packs[i].pack);
    rxc__arena_free(&L->rs->arena);
    rxc__free(L->rs);
  } else {
    *out = L->rs;
  }
  rxc__free(L->packs);
  rxc__arena_free(&ld->tmp);
  return st;
}

rxc_status rxc_ruleset_load_files(const rxc_rule_file *files, size_t n,
                                  rxc_diag_fn diag, void *ud,
                                  rxc_ruleset **out) {
  if (!out) return RXC_EUSAGE;
  *out = NULL;
  if (n && !files) return RXC_EUSAGE;
  loader L;
  if (loader_init(&L, diag, ud)) return RXC_ENOMEM;
  const char *dir = n && files[0].name ? files[0].name : "(memory)";
  load_pack(&L, files, n, dir);
  return finish(&L, out);
}

rxc_status rxc_ruleset_load_builtin(rxc_diag_fn diag, void *ud,
                                    rxc_ruleset **out) {
  if (!out) return RXC_EUSAGE;
  *out = NULL;
  loader L;
  if (loader_init(&L, diag, ud)) return RXC_ENOMEM;
  size_t n = rxc__builtin_nfiles;
  rxc_rule_file *files = n ? rxc__malloc(n * sizeof *files) : NULL;
  char **names = n ? rxc__calloc(n, sizeof *names) : NULL;
  if (n && (!files || !names)) {
    L.ld.oom = 1;
  } else {
    /* The table is sorted by path, so each pack's files are adjacent. */
    for (size_t i = 0; i < n && !L.ld.oom; i++) {
      const rxc__builtin_file *f = &rxc__builtin_files[i];
      size_t len = strlen("builtin:") + strlen(f->path) + 1;
      names[i] = rxc__malloc(len);
      if (!names[i]) {
        L.ld.oom = 1;
        break;
      }
      snprintf(names[i], len, "builtin:%s", f->path);
      files[i] = (rxc_rule_file){names[i], f->data, f->len};
    }
    for (size_t i = 0; i < n && !L.ld.oom;) {
      size_t j = i + 1;
      while (j < n &&
             !strcmp(rxc__builtin_files[j].pack, rxc__builtin_files[i].pack))
        j++;
      char dir[300];
      snprintf(dir, sizeof dir, "builtin:%s", rxc__builtin_files[i].pack);
      load_pack(&L, files + i, j - i, dir);
      i = j;
    }
  }
  rxc_status st = finish(&L, out);
  for (size_t i = 0; names && i < n; i++) rxc__free(names[i]);
  rxc__free(names);
  rxc__free(files);
  return st;
}

/* ---- directories ------------------------------------------------------- */

/* Files read from disk, freed after loading. */
typedef struct disk {
  rxc_rule_file *files;
  size_t n, cap;
} disk;

static void disk_free(disk *d) {
  for (size_t i = 0; i < d->n; i++) {
    rxc__free((char *)d->files[i].name);
    rxc__free((char *)d->files[i].data);
  }
  rxc__free(d->files);
  memset(d, 0, sizeof *d);
}

static int is_yaml(const char *name) {
  size_t n = strlen(name);
  return name[0] != '.' && n > 5 && !strcmp(name + n - 5, ".yaml");
}

static char *join(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  int slash = a && dir[a - 1] != '/';
  char *p = rxc__malloc(a + (size_t)slash + b + 1);
  if (!p) return NULL;
  memcpy(p, dir, a);
  if (slash) p[a] = '/';
  memcpy(p + a + slash, name, b + 1);
  return p;
}

/* Reads path into the list; reports and sets ld->eio when it cannot. A
 * file over the size limit is read no further: what was read is kept, and
 * load_pack reports its size with the other problems. */
static void read_file(loader *L, disk *d, const char *path) {
  rxc__ld *ld = &L->ld;
  if (rxc__grow((void **)&d->files, &d->cap, d->n + 1, sizeof *d->files)) {
    ld->oom = 1;
    return;
  }
  char *name = rxc__strndup(path, strlen(path));
  if (!name) {
    ld->oom = 1;
    return;
  }
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t len = 0, cap = 0;
  int err = 0;
  if (!f) {
    err = errno;
  } else {
    for (;;) {
      if (rxc__grow((void **)&buf, &cap, len + 65536 + 1, 1)) {
        ld->oom = 1;
        break;
      }
      size_t k = fread(buf + len, 1, cap - len - 1, f);
      len += k;
      if (len > RXC__RULE_FILE_MAX) break;
      if (k == 0) {
        if (ferror(f)) err = errno ? errno : EIO;
        break;
      }
    }
    fclose(f);
  }
  if (ld->oom || err) {
    if (err) {
      rxc__ld_report(ld, RXC_EIO, path, ld->seq++, 0, 0, "cannot read: %s",
                     strerror(err));
      ld->eio = 1;
    }
    rxc__free(buf);
    rxc__free(name);
    return;
  }
  if (!buf) buf = rxc__malloc(1);
  if (!buf) {
    rxc__free(name);
    ld->oom = 1;
    return;
  }
  buf[len] = '\0';
  d->files[d->n++] = (rxc_rule_file){name, buf, len};
}

/* Sorted entries of dir that pass `keep`; NULL on failure (reported). */
typedef struct names {
  char **v;
  size_t n, cap;
} names;

static void names_free(names *s) {
  for (size_t i = 0; i < s->n; i++) rxc__free(s->v[i]);
  rxc__free(s->v);
  memset(s, 0, sizeof *s);
}

static int cmp_name(const void *x, const void *y) {
  return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Lists the *.yaml files (want_dirs 0) or the subdirectories (1) of dir. */
static int list_dir(loader *L, const char *dir, int want_dirs, names *out) {
  rxc__ld *ld = &L->ld;
  memset(out, 0, sizeof *out);
  DIR *d = opendir(dir);
  if (!d) {
    rxc__ld_report(ld, RXC_EIO, dir, ld->seq++, 0, 0,
                   "cannot open directory: %s", strerror(errno));
    ld->eio = 1;
    return -1;
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char *path = join(dir, e->d_name);
    if (!path) {
      ld->oom = 1;
      break;
    }
    struct stat st;
    int ok = stat(path, &st) == 0 &&
             (want_dirs ? S_ISDIR(st.st_mode)
                        : S_ISREG(st.st_mode) && is_yaml(e->d_name));
    rxc__free(path);
    if (!ok) continue;
    if (rxc__grow((void **)&out->v, &out->cap, out->n + 1, sizeof *out->v)) {
      ld->oom = 1;
      break;
    }
    out->v[out->n] = rxc__strndup(e->d_name, strlen(e->d_name));
    if (!out->v[out->n]) {
      ld->oom = 1;
      break;
    }
    out->n++;
  }
  closedir(d);
  if (ld->oom) {
    names_free(out);
    return -1;
  }
  if (out->n) qsort(out->v, out->n, sizeof *out->v, cmp_name);
  return 0;
}

/* Reads the *.yaml files of a pack directory and loads them. */
static void load_pack_dir(loader *L, const char *dir, const names *files) {
  disk d = {0};
  int eio = L->ld.eio;
  for (size_t i = 0; i < files->n && !L->ld.oom; i++) {
    char *path = join(dir, files->v[i]);
    if (!path) {
      L->ld.oom = 1;
      break;
    }
    read_file(L, &d, path);
    rxc__free(path);
  }
  if (!L->ld.oom && L->ld.eio == eio) load_pack(L, d.files, d.n, dir);
  disk_free(&d);
}

rxc_status rxc_ruleset_load_dir(const char *path, rxc_diag_fn diag, void *ud,
                                rxc_ruleset **out) {
  if (!out) return RXC_EUSAGE;
  *out = NULL;
  if (!path) return RXC_EUSAGE;
  loader L;
  if (loader_init(&L, diag, ud)) return RXC_ENOMEM;
  struct stat st;
  if (stat(path, &st) != 0) {
    rxc__ld_report(&L.ld, RXC_EIO, path, L.ld.seq++, 0, 0, "cannot open: %s",
                   strerror(errno));
    L.ld.eio = 1;
  } else if (S_ISREG(st.st_mode)) {
    /* A single file is a one-file pack. */
    disk d = {0};
    read_file(&L, &d, path);
    if (!L.ld.oom && !L.ld.eio) load_pack(&L, d.files, d.n, path);
    disk_free(&d);
  } else {
    names yaml;
    if (list_dir(&L, path, 0, &yaml) == 0) {
      if (yaml.n) {
        load_pack_dir(&L, path, &yaml);
      } else {
        names subs;
        if (list_dir(&L, path, 1, &subs) == 0) {
          size_t found = 0;
          for (size_t i = 0; i < subs.n && !L.ld.oom; i++) {
            char *sub = join(path, subs.v[i]);
            if (!sub) {
              L.ld.oom = 1;
              break;
            }
            names files;
            if (list_dir(&L, sub, 0, &files) == 0) {
              if (files.n) {
                found++;
                load_pack_dir(&L, sub, &files);
              }
              names_free(&files);
            }
            rxc__free(sub);
          }
          if (!found && !L.ld.oom && !L.ld.eio)
            rxc__ld_report(&L.ld, RXC_ERULES, path, L.ld.seq++, 0, 0,
                           "no rule packs here: expected *.yaml files, or "
                           "directories holding them");
          names_free(&subs);
        }
      }
      names_free(&yaml);
    }
  }
  return finish(&L, out);
}
