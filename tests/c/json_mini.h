/* A minimal JSON reader for the tests' manifests (trusted, small files): a tree of values.
 * Strings keep \uXXXX escapes below 0x80 only (the manifests are ASCII). */
#ifndef TACC_TEST_JSON_MINI_H
#define TACC_TEST_JSON_MINI_H
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jv {
  jtype t;
  double num; /* J_NUM, J_BOOL (0/1) */
  char *str;  /* J_STR */
  struct jv *items; /* J_ARR, J_OBJ */
  char **keys;      /* J_OBJ */
  size_t n;
} jv;

typedef struct {
  const char *p, *end;
  int err;
} jparser;

static void j_ws(jparser *j) {
  while (j->p < j->end && isspace((unsigned char)*j->p)) j->p++;
}

static int j_value(jparser *j, jv *out);

static char *j_string(jparser *j) {
  if (j->p >= j->end || *j->p != '"') {
    j->err = 1;
    return NULL;
  }
  j->p++;
  char *s = (char *)malloc((size_t)(j->end - j->p) + 1);
  size_t n = 0;
  while (j->p < j->end && *j->p != '"') {
    char c = *j->p++;
    if (c == '\\' && j->p < j->end) {
      char e = *j->p++;
      switch (e) {
        case 'n': c = '\n'; break;
        case 't': c = '\t'; break;
        case 'r': c = '\r'; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'u': {
          unsigned v = 0;
          for (int i = 0; i < 4 && j->p < j->end; i++) {
            char h = *j->p++;
            v = v * 16 + (unsigned)(isdigit((unsigned char)h) ? h - '0' : (tolower((unsigned char)h) - 'a' + 10));
          }
          c = v < 0x80 ? (char)v : '?';
          break;
        }
        default: c = e;
      }
    }
    s[n++] = c;
  }
  s[n] = 0;
  if (j->p < j->end) j->p++;
  else j->err = 1;
  return s;
}

static void j_push(jv *v, jv *item, char *key) {
  v->items = (jv *)realloc(v->items, (v->n + 1) * sizeof(jv));
  v->items[v->n] = *item;
  if (v->t == J_OBJ) {
    v->keys = (char **)realloc(v->keys, (v->n + 1) * sizeof(char *));
    v->keys[v->n] = key;
  }
  v->n++;
}

static int j_value(jparser *j, jv *out) {
  memset(out, 0, sizeof *out);
  j_ws(j);
  if (j->p >= j->end) return j->err = 1;
  char c = *j->p;
  if (c == '{' || c == '[') {
    out->t = c == '{' ? J_OBJ : J_ARR;
    char close = c == '{' ? '}' : ']';
    j->p++;
    j_ws(j);
    if (j->p < j->end && *j->p == close) {
      j->p++;
      return 0;
    }
    for (;;) {
      char *key = NULL;
      jv item;
      j_ws(j);
      if (out->t == J_OBJ) {
        key = j_string(j);
        j_ws(j);
        if (j->err || j->p >= j->end || *j->p != ':') return j->err = 1;
        j->p++;
      }
      if (j_value(j, &item)) return 1;
      j_push(out, &item, key);
      j_ws(j);
      if (j->p < j->end && *j->p == ',') {
        j->p++;
        continue;
      }
      if (j->p < j->end && *j->p == close) {
        j->p++;
        return 0;
      }
      return j->err = 1;
    }
  }
  if (c == '"') {
    out->t = J_STR;
    out->str = j_string(j);
    return j->err;
  }
  if (strncmp(j->p, "true", 4) == 0 || strncmp(j->p, "false", 5) == 0) {
    out->t = J_BOOL;
    out->num = *j->p == 't';
    j->p += *j->p == 't' ? 4 : 5;
    return 0;
  }
  if (strncmp(j->p, "null", 4) == 0) {
    j->p += 4;
    return 0;
  }
  char *endp = NULL;
  out->t = J_NUM;
  out->num = strtod(j->p, &endp);
  if (endp == j->p) return j->err = 1;
  j->p = endp;
  return 0;
}

static void j_free(jv *v) {
  for (size_t i = 0; i < v->n; i++) {
    j_free(&v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  free(v->str);
  memset(v, 0, sizeof *v);
}

/* The member `key` of an object, or NULL. */
static const jv *j_get(const jv *v, const char *key) {
  if (v == NULL || v->t != J_OBJ) return NULL;
  for (size_t i = 0; i < v->n; i++)
    if (v->keys[i] && strcmp(v->keys[i], key) == 0) return &v->items[i];
  return NULL;
}

static const char *j_str(const jv *v, const char *key, const char *fallback) {
  const jv *m = j_get(v, key);
  return m && m->t == J_STR ? m->str : fallback;
}

static double j_num(const jv *v, const char *key, double fallback) {
  const jv *m = j_get(v, key);
  return m && (m->t == J_NUM || m->t == J_BOOL) ? m->num : fallback;
}
#endif
