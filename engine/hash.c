/*
 * hash.c - SHA-256 of a rule pack's files with Nettle, framed so that no
 * two different sets of files give the same byte stream: each file
 * contributes its name, a NUL, its size in decimal, a NUL and its bytes.
 */
#include "hash.h"

#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>

void rxc__hash_files(const rxc_rule_file *files, size_t n,
                     char out[RXC__HASH_SIZE]) {
  static const char hex[] = "0123456789abcdef";
  struct sha256_ctx ctx;
  sha256_init(&ctx);
  for (size_t i = 0; i < n; i++) {
    const char *name = files[i].name ? files[i].name : "";
    sha256_update(&ctx, strlen(name) + 1, (const uint8_t *)name);
    char size[32];
    int k = snprintf(size, sizeof size, "%zu", files[i].len);
    sha256_update(&ctx, (size_t)k + 1, (const uint8_t *)size);
    if (files[i].len)
      sha256_update(&ctx, files[i].len, (const uint8_t *)files[i].data);
  }
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof digest, digest);
  memcpy(out, "sha256:", 7);
  for (size_t i = 0; i < SHA256_DIGEST_SIZE; i++) {
    out[7 + 2 * i] = hex[digest[i] >> 4];
    out[8 + 2 * i] = hex[digest[i] & 15];
  }
  out[7 + 2 * SHA256_DIGEST_SIZE] = '\0';
}
