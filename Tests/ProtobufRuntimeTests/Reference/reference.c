/*
 * reference.c: the libprotobuf-c side of the differential tests (DifferentialTests.swift).
 *
 * A generic driver over libprotobuf-c's reflection, linked with the protoc-c output for
 * rich.proto and chat.proto. Message names are full (protobuf_test.RichMessage) or short
 * (RichMessage). Records are a 4-byte little-endian length followed by that many bytes.
 *
 *   reference dump NAME IN_RECORDS OUT_LINES
 *       unpacks each record as NAME and writes its canonical line (or "ERROR <reason>").
 *   reference generate NAME COUNT SEED OUT_RECORDS OUT_LINES [no-maps]
 *       builds COUNT random messages (splitmix64 seeded with SEED), packs each, writes the
 *       records and the canonical line of each built message.
 *   reference repack NAME IN_RECORDS OUT_RECORDS
 *       unpacks each record as NAME and packs it again (unknown fields pass through).
 *
 * Canonical line (mirrored exactly by DifferentialDump.swift):
 *   message  = "{" field *("," field) ["," "unknown:" HEX] "}"   ("{}" for no fields)
 *              every schema field in field-number order; a oneof appears once, where its
 *              lowest-numbered member would, as "oneof:" (NUMBER "=" value | "none");
 *              "unknown:" lists the raw bytes (tags included) of unknown fields, if any.
 *   field    = NUMBER ":" value          implicit-presence scalars always (0 when absent)
 *   value    = signed decimal            int32 sint32 sfixed32 int64 sint64 sfixed64 enum
 *            | unsigned decimal          uint32 fixed32 uint64 fixed64
 *            | "true" | "false"          bool
 *            | "f" 8 HEX | "d" 16 HEX    float / double bit patterns
 *            | '"' HEX '"'               string (its UTF-8 bytes)
 *            | "'" HEX "'"               bytes
 *            | "null" | message          sub-message
 *            | "[" [value *("," value)] "]"              repeated
 *            | "<" [entry *("," entry)] ">"              map; entry = key "=" value, sorted by
 *                                                        the key's text (strcmp, then the
 *                                                        entry's for equal keys); an entry
 *                                                        without a message value shows the
 *                                                        default message
 *   HEX is lowercase, two digits per byte, most significant first for bit patterns.
 *
 * protoc-c marks no field as a map: a repeated message field whose type is named "...Entry"
 * with exactly the fields key = 1 and value = 2 is treated as a map.
 *
 * Generator notes (limits of libprotobuf-c, not of the wire format): strings never contain
 * U+0000 (protobuf-c strings are NUL-terminated); singular floats and doubles are never -0.0
 * (protobuf-c compares with == 0 and would drop it); repeated ones may be.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <float.h>
#include <protobuf-c/protobuf-c.h>

#include "rich.pb-c.h"
#include "chat.pb-c.h"

static const ProtobufCMessageDescriptor *const known_messages[] = {
	&protobuf_test__rich_message__descriptor,
	&protobuf_test__nested__descriptor,
	&protobuf_test__rich_subset__descriptor,
	&chat_message__descriptor,
};

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "reference: %s: %s\n", what, detail);
	exit(2);
}

static const ProtobufCMessageDescriptor *find_message(const char *name)
{
	for (size_t i = 0; i < sizeof known_messages / sizeof known_messages[0]; i++) {
		const ProtobufCMessageDescriptor *d = known_messages[i];
		if (strcmp(d->name, name) == 0 || strcmp(d->short_name, name) == 0)
			return d;
	}
	die("unknown message", name);
	return NULL;
}

/* ---------- growable text ---------- */

typedef struct {
	char *data;
	size_t len, cap;
} Text;

static void text_reserve(Text *t, size_t extra)
{
	if (t->len + extra + 1 <= t->cap)
		return;
	size_t cap = t->cap ? t->cap : 256;
	while (cap < t->len + extra + 1)
		cap *= 2;
	t->data = realloc(t->data, cap);
	if (t->data == NULL)
		die("out of memory", "text");
	t->cap = cap;
}

static void text_append(Text *t, const char *s, size_t n)
{
	text_reserve(t, n);
	memcpy(t->data + t->len, s, n);
	t->len += n;
	t->data[t->len] = '\0';
}

static void text_puts(Text *t, const char *s)
{
	text_append(t, s, strlen(s));
}

static void text_unsigned(Text *t, uint64_t v)
{
	char buffer[32];
	int n = snprintf(buffer, sizeof buffer, "%llu", (unsigned long long) v);
	text_append(t, buffer, (size_t) n);
}

static void text_signed(Text *t, int64_t v)
{
	char buffer[32];
	int n = snprintf(buffer, sizeof buffer, "%lld", (long long) v);
	text_append(t, buffer, (size_t) n);
}

static void text_hex(Text *t, const uint8_t *bytes, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	text_reserve(t, 2 * n);
	for (size_t i = 0; i < n; i++) {
		t->data[t->len++] = digits[bytes[i] >> 4];
		t->data[t->len++] = digits[bytes[i] & 15];
	}
	t->data[t->len] = '\0';
}

/* ---------- canonical dump ---------- */

static int is_map_entry(const ProtobufCFieldDescriptor *f)
{
	if (f->label != PROTOBUF_C_LABEL_REPEATED || f->type != PROTOBUF_C_TYPE_MESSAGE)
		return 0;
	const ProtobufCMessageDescriptor *d = f->descriptor;
	size_t n = strlen(d->short_name);
	return n > 5 && strcmp(d->short_name + n - 5, "Entry") == 0 && d->n_fields == 2 &&
	       d->fields[0].id == 1 && strcmp(d->fields[0].name, "key") == 0 &&
	       d->fields[1].id == 2 && strcmp(d->fields[1].name, "value") == 0;
}

static size_t element_size(ProtobufCType type)
{
	switch (type) {
	case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_ENUM:
		return 4;
	case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
		return 8;
	case PROTOBUF_C_TYPE_FLOAT: return sizeof(float);
	case PROTOBUF_C_TYPE_DOUBLE: return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING: return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE: return sizeof(ProtobufCMessage *);
	}
	die("unsupported type", "element_size");
	return 0;
}

static void dump_message(Text *t, const ProtobufCMessageDescriptor *d, const ProtobufCMessage *m);

static void dump_value(Text *t, const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_ENUM:
		text_signed(t, *(const int32_t *) p);
		break;
	case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
		text_signed(t, *(const int64_t *) p);
		break;
	case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
		text_unsigned(t, *(const uint32_t *) p);
		break;
	case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
		text_unsigned(t, *(const uint64_t *) p);
		break;
	case PROTOBUF_C_TYPE_BOOL:
		text_puts(t, *(const protobuf_c_boolean *) p ? "true" : "false");
		break;
	case PROTOBUF_C_TYPE_FLOAT: {
		uint32_t bits;
		memcpy(&bits, p, 4);
		char buffer[16];
		snprintf(buffer, sizeof buffer, "f%08x", bits);
		text_puts(t, buffer);
		break;
	}
	case PROTOBUF_C_TYPE_DOUBLE: {
		uint64_t bits;
		memcpy(&bits, p, 8);
		char buffer[24];
		snprintf(buffer, sizeof buffer, "d%016llx", (unsigned long long) bits);
		text_puts(t, buffer);
		break;
	}
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(char *const *) p;
		text_puts(t, "\"");
		if (s != NULL)
			text_hex(t, (const uint8_t *) s, strlen(s));
		text_puts(t, "\"");
		break;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *b = p;
		text_puts(t, "'");
		text_hex(t, b->data, b->len);
		text_puts(t, "'");
		break;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *sub = *(ProtobufCMessage *const *) p;
		if (sub == NULL)
			text_puts(t, "null");
		else
			dump_message(t, f->descriptor, sub);
		break;
	}
	}
}

typedef struct {
	char *key;   /* the key's canonical text */
	char *entry; /* key "=" value */
} MapEntryText;

static int compare_map_entries(const void *a, const void *b)
{
	const MapEntryText *x = a, *y = b;
	int by_key = strcmp(x->key, y->key);
	return by_key != 0 ? by_key : strcmp(x->entry, y->entry);
}

static void dump_map(Text *t, const ProtobufCFieldDescriptor *f, size_t n, ProtobufCMessage *const *entries)
{
	const ProtobufCMessageDescriptor *ed = f->descriptor;
	const ProtobufCFieldDescriptor *key = &ed->fields[0], *value = &ed->fields[1];
	MapEntryText *texts = calloc(n ? n : 1, sizeof(MapEntryText));
	for (size_t i = 0; i < n; i++) {
		Text key_text = {0}, entry = {0};
		const char *base = (const char *) entries[i];
		dump_value(&key_text, key, base + key->offset);
		text_puts(&entry, key_text.data);
		text_puts(&entry, "=");
		if (value->type == PROTOBUF_C_TYPE_MESSAGE && *(ProtobufCMessage *const *) (base + value->offset) == NULL) {
			const ProtobufCMessageDescriptor *vd = value->descriptor;
			ProtobufCMessage *empty = calloc(1, vd->sizeof_message);
			vd->message_init(empty);
			dump_message(&entry, vd, empty);
			free(empty);
		} else {
			dump_value(&entry, value, base + value->offset);
		}
		texts[i].key = key_text.data;
		texts[i].entry = entry.data;
	}
	qsort(texts, n, sizeof(MapEntryText), compare_map_entries);
	text_puts(t, "<");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			text_puts(t, ",");
		text_puts(t, texts[i].entry);
		free(texts[i].key);
		free(texts[i].entry);
	}
	text_puts(t, ">");
	free(texts);
}

static size_t varint_encode(uint64_t v, uint8_t *out)
{
	size_t n = 0;
	while (v >= 0x80) {
		out[n++] = (uint8_t) (v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t) v;
	return n;
}

static void dump_message(Text *t, const ProtobufCMessageDescriptor *d, const ProtobufCMessage *m)
{
	const char *base = (const char *) m;
	text_puts(t, "{");
	int first = 1;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			int seen = 0;
			for (unsigned j = 0; j < i; j++)
				if ((d->fields[j].flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
				    d->fields[j].quantifier_offset == f->quantifier_offset)
					seen = 1;
			if (seen)
				continue;
			if (!first)
				text_puts(t, ",");
			first = 0;
			uint32_t which = *(const uint32_t *) (base + f->quantifier_offset);
			text_puts(t, "oneof:");
			if (which == 0) {
				text_puts(t, "none");
				continue;
			}
			const ProtobufCFieldDescriptor *member = NULL;
			for (unsigned j = 0; j < d->n_fields; j++)
				if (d->fields[j].id == which && (d->fields[j].flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
				    d->fields[j].quantifier_offset == f->quantifier_offset)
					member = &d->fields[j];
			if (member == NULL)
				die("oneof case names no member", d->name);
			text_unsigned(t, which);
			text_puts(t, "=");
			dump_value(t, member, base + member->offset);
			continue;
		}
		if (!first)
			text_puts(t, ",");
		first = 0;
		text_unsigned(t, f->id);
		text_puts(t, ":");
		switch (f->label) {
		case PROTOBUF_C_LABEL_NONE:
			dump_value(t, f, base + f->offset);
			break;
		case PROTOBUF_C_LABEL_REPEATED: {
			size_t n = *(const size_t *) (base + f->quantifier_offset);
			const char *items = *(char *const *) (base + f->offset);
			if (is_map_entry(f)) {
				dump_map(t, f, n, (ProtobufCMessage *const *) items);
				break;
			}
			size_t size = element_size(f->type);
			text_puts(t, "[");
			for (size_t k = 0; k < n; k++) {
				if (k > 0)
					text_puts(t, ",");
				dump_value(t, f, items + k * size);
			}
			text_puts(t, "]");
			break;
		}
		default:
			die("proto2 labels are not supported", f->name);
		}
	}
	if (m->n_unknown_fields > 0) {
		if (!first)
			text_puts(t, ",");
		text_puts(t, "unknown:");
		for (unsigned i = 0; i < m->n_unknown_fields; i++) {
			const ProtobufCMessageUnknownField *u = &m->unknown_fields[i];
			uint8_t tag[10];
			size_t n = varint_encode(((uint64_t) u->tag << 3) | (uint64_t) u->wire_type, tag);
			text_hex(t, tag, n);
			text_hex(t, u->data, u->len);
		}
	}
	text_puts(t, "}");
}

/* ---------- records ---------- */

typedef struct {
	uint8_t *data;
	size_t len;
} Record;

static FILE *open_file(const char *path, const char *mode)
{
	FILE *file = fopen(path, mode);
	if (file == NULL)
		die("cannot open", path);
	return file;
}

/* Reads the next record into *r (malloc'd); returns 0 at a clean end of file. */
static int read_record(FILE *in, Record *r)
{
	uint8_t prefix[4];
	size_t got = fread(prefix, 1, 4, in);
	if (got == 0)
		return 0;
	if (got != 4)
		die("truncated record length", "input");
	r->len = (size_t) prefix[0] | (size_t) prefix[1] << 8 | (size_t) prefix[2] << 16 | (size_t) prefix[3] << 24;
	r->data = malloc(r->len ? r->len : 1);
	if (fread(r->data, 1, r->len, in) != r->len)
		die("truncated record body", "input");
	return 1;
}

static void write_record(FILE *out, const uint8_t *data, size_t len)
{
	uint8_t prefix[4] = {(uint8_t) len, (uint8_t) (len >> 8), (uint8_t) (len >> 16), (uint8_t) (len >> 24)};
	fwrite(prefix, 1, 4, out);
	fwrite(data, 1, len, out);
}

static void write_packed(FILE *out, const ProtobufCMessage *m)
{
	size_t size = protobuf_c_message_get_packed_size(m);
	uint8_t *buffer = malloc(size ? size : 1);
	if (protobuf_c_message_pack(m, buffer) != size)
		die("pack", "packed size disagrees with get_packed_size");
	write_record(out, buffer, size);
	free(buffer);
}

static int command_dump(const ProtobufCMessageDescriptor *d, const char *in_path, const char *out_path)
{
	FILE *in = open_file(in_path, "rb"), *out = open_file(out_path, "w");
	Record r;
	size_t index = 0;
	while (read_record(in, &r)) {
		ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, r.len, r.data);
		if (m == NULL) {
			fprintf(out, "ERROR protobuf_c_message_unpack failed for record %zu (%zu bytes)\n", index, r.len);
		} else {
			Text t = {0};
			dump_message(&t, d, m);
			fprintf(out, "%s\n", t.data);
			free(t.data);
			protobuf_c_message_free_unpacked(m, NULL);
		}
		free(r.data);
		index++;
	}
	fclose(in);
	return fclose(out) == 0 ? 0 : 1;
}

static int command_repack(const ProtobufCMessageDescriptor *d, const char *in_path, const char *out_path)
{
	FILE *in = open_file(in_path, "rb"), *out = open_file(out_path, "wb");
	Record r;
	size_t index = 0;
	while (read_record(in, &r)) {
		ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, r.len, r.data);
		if (m == NULL) {
			fprintf(stderr, "reference: protobuf_c_message_unpack failed for record %zu\n", index);
			return 1;
		}
		write_packed(out, m);
		protobuf_c_message_free_unpacked(m, NULL);
		free(r.data);
		index++;
	}
	fclose(in);
	return fclose(out) == 0 ? 0 : 1;
}

/* ---------- random messages ---------- */

static uint64_t rng_state;

static uint64_t next_random(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return next_random() % n;
}

/* Every allocation of one generated message, freed together once it is packed. */
static void **arena;
static size_t arena_len, arena_cap;

static void *arena_alloc(size_t size)
{
	if (arena_len == arena_cap) {
		arena_cap = arena_cap ? 2 * arena_cap : 1024;
		arena = realloc(arena, arena_cap * sizeof(void *));
	}
	void *p = calloc(1, size ? size : 1);
	if (p == NULL || arena == NULL)
		die("out of memory", "arena");
	return arena[arena_len++] = p;
}

static void arena_reset(void)
{
	for (size_t i = 0; i < arena_len; i++)
		free(arena[i]);
	arena_len = 0;
}

/* A 64-bit value: an edge case a third of the time, otherwise random with a random width. */
static uint64_t random_bits64(void)
{
	static const uint64_t edges[] = {
		0, 1, 2, 127, 128, 255, 300, 16383, 16384,
		0x7fffffffULL, 0x80000000ULL, 0xffffffffULL, 0x100000000ULL,
		0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffffffffffffffULL,
		0xfffffffffffffffeULL, 0xffffffff80000000ULL, 0xffffffff7fffffffULL,
	};
	if (below(3) == 0)
		return edges[below(sizeof edges / sizeof edges[0])];
	return next_random() >> below(64);
}

static uint32_t random_bits32(void)
{
	static const uint32_t edges[] = {0, 1, 2, 127, 128, 300, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe};
	if (below(3) == 0)
		return edges[below(sizeof edges / sizeof edges[0])];
	return (uint32_t) (next_random() >> below(64));
}

static float random_float(int allow_negative_zero)
{
	static const float edges[] = {1.0f, -1.0f, 0.5f, -2.25f, FLT_MAX, -FLT_MAX, FLT_MIN, 1e-45f, -1e-45f, INFINITY, -INFINITY, 3.14159265f};
	float v;
	do {
		if (below(2) == 0) {
			v = edges[below(sizeof edges / sizeof edges[0])];
		} else {
			uint32_t bits = (uint32_t) next_random();
			memcpy(&v, &bits, 4);
		}
		if (allow_negative_zero && below(20) == 0)
			v = -0.0f;
	} while (isnan(v) || (!allow_negative_zero && v == 0 && signbit(v)));
	return v;
}

static double random_double(int allow_negative_zero)
{
	static const double edges[] = {1.0, -1.0, 0.1, -2.5e300, DBL_MAX, -DBL_MAX, DBL_MIN, 5e-324, -5e-324, INFINITY, -INFINITY, 3.141592653589793};
	double v;
	do {
		if (below(2) == 0) {
			v = edges[below(sizeof edges / sizeof edges[0])];
		} else {
			uint64_t bits = next_random();
			memcpy(&v, &bits, 8);
		}
		if (allow_negative_zero && below(20) == 0)
			v = -0.0;
	} while (isnan(v) || (!allow_negative_zero && v == 0 && signbit(v)));
	return v;
}

/* Valid UTF-8 without U+0000: ASCII, 2-, 3- and 4-byte sequences. */
static char *random_string(void)
{
	static const char *const pieces[] = {
		"a", "Z", "0", " ", "~", "\x7f", "\x01", "\xc3\xa9", "\xc2\x80", "\xdf\xbf", "\xe2\x82\xac",
		"\xe4\xb8\xad", "\xef\xbf\xbf", "\xee\x80\x80", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
	};
	size_t count = below(4) == 0 ? 0 : below(4) == 0 ? 20 + below(100) : 1 + below(12);
	char *s = arena_alloc(4 * count + 1);
	size_t len = 0;
	for (size_t i = 0; i < count; i++) {
		const char *piece = pieces[below(sizeof pieces / sizeof pieces[0])];
		memcpy(s + len, piece, strlen(piece));
		len += strlen(piece);
	}
	s[len] = '\0';
	return s;
}

static ProtobufCBinaryData random_bytes(void)
{
	ProtobufCBinaryData b;
	b.len = below(4) == 0 ? 0 : below(4) == 0 ? 64 + below(200) : 1 + below(16);
	b.data = arena_alloc(b.len);
	for (size_t i = 0; i < b.len; i++)
		b.data[i] = (uint8_t) next_random();
	return b;
}

static int32_t random_enum(void)
{
	static const int32_t unknown[] = {4, 7, -3, -1, 1000, INT32_MAX, INT32_MIN};
	if (below(4) == 0)
		return unknown[below(sizeof unknown / sizeof unknown[0])];
	return (int32_t) below(4);
}

static ProtobufCMessage *random_message(const ProtobufCMessageDescriptor *d, int depth, int maps);

/* Writes a random value of f's type at p; singular floats avoid -0.0, messages may be NULL. */
static void random_value(const ProtobufCFieldDescriptor *f, void *p, int singular, int depth, int maps)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32: {
		uint32_t v = random_bits32();
		memcpy(p, &v, 4);
		break;
	}
	case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: {
		uint64_t v = random_bits64();
		memcpy(p, &v, 8);
		break;
	}
	case PROTOBUF_C_TYPE_ENUM:
		*(int32_t *) p = random_enum();
		break;
	case PROTOBUF_C_TYPE_BOOL:
		*(protobuf_c_boolean *) p = (protobuf_c_boolean) below(2);
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		*(float *) p = random_float(!singular);
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		*(double *) p = random_double(!singular);
		break;
	case PROTOBUF_C_TYPE_STRING:
		*(char **) p = random_string();
		break;
	case PROTOBUF_C_TYPE_BYTES:
		*(ProtobufCBinaryData *) p = random_bytes();
		break;
	case PROTOBUF_C_TYPE_MESSAGE:
		*(ProtobufCMessage **) p = depth >= 4 || below(3) == 0 ? NULL : random_message(f->descriptor, depth + 1, maps);
		break;
	}
}

static size_t random_count(void)
{
	switch (below(8)) {
	case 0: case 1: case 2: return 0;
	case 3: return 1;
	case 7: return 16 + below(48);
	default: return 2 + below(6);
	}
}

static void random_map(const ProtobufCFieldDescriptor *f, char *base, int depth, int maps)
{
	const ProtobufCMessageDescriptor *ed = f->descriptor;
	const ProtobufCFieldDescriptor *key = &ed->fields[0], *value = &ed->fields[1];
	size_t want = random_count(), n = 0;
	ProtobufCMessage **entries = arena_alloc(want * sizeof(ProtobufCMessage *));
	Text *keys = arena_alloc(want * sizeof(Text));
	for (size_t attempt = 0; attempt < 4 * want && n < want; attempt++) {
		ProtobufCMessage *entry = arena_alloc(ed->sizeof_message);
		ed->message_init(entry);
		random_value(key, (char *) entry + key->offset, 1, depth, maps);
		Text text = {0};
		dump_value(&text, key, (char *) entry + key->offset);
		int duplicate = 0;
		for (size_t i = 0; i < n; i++)
			duplicate |= strcmp(keys[i].data, text.data) == 0;
		if (duplicate) {
			free(text.data);
			continue;
		}
		random_value(value, (char *) entry + value->offset, 1, depth, maps);
		keys[n] = text;
		entries[n++] = entry;
	}
	for (size_t i = 0; i < n; i++)
		free(keys[i].data);
	*(size_t *) (base + f->quantifier_offset) = n;
	*(ProtobufCMessage ***) (base + f->offset) = entries;
}

static ProtobufCMessage *random_message(const ProtobufCMessageDescriptor *d, int depth, int maps)
{
	ProtobufCMessage *m = arena_alloc(d->sizeof_message);
	d->message_init(m);
	char *base = (char *) m;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			/* Decide the whole oneof at its first member: one member, or none. */
			const ProtobufCFieldDescriptor *members[16];
			unsigned n = 0;
			int first = 1;
			for (unsigned j = 0; j < d->n_fields; j++) {
				if (!(d->fields[j].flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
				    d->fields[j].quantifier_offset != f->quantifier_offset)
					continue;
				if (j < i)
					first = 0;
				if (n < 16)
					members[n++] = &d->fields[j];
			}
			if (!first)
				continue;
			uint64_t pick = below(n + 1);
			if (pick == n)
				continue;
			const ProtobufCFieldDescriptor *member = members[pick];
			*(uint32_t *) (base + member->quantifier_offset) = member->id;
			random_value(member, base + member->offset, 1, depth, maps);
			/* A oneof message member is set even when empty; NULL would mean "none". */
			if (member->type == PROTOBUF_C_TYPE_MESSAGE && *(ProtobufCMessage **) (base + member->offset) == NULL) {
				const ProtobufCMessageDescriptor *md = member->descriptor;
				ProtobufCMessage *empty = arena_alloc(md->sizeof_message);
				md->message_init(empty);
				*(ProtobufCMessage **) (base + member->offset) = empty;
			}
			continue;
		}
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			if (is_map_entry(f)) {
				if (maps)
					random_map(f, base, depth, maps);
				continue;
			}
			size_t n = random_count();
			if (f->type == PROTOBUF_C_TYPE_MESSAGE && depth >= 3)
				n = 0;
			size_t size = element_size(f->type);
			char *items = arena_alloc(n * size);
			for (size_t k = 0; k < n; k++) {
				random_value(f, items + k * size, 0, depth, maps);
				/* protobuf-c cannot pack a NULL element of a repeated message field. */
				if (f->type == PROTOBUF_C_TYPE_MESSAGE && *(ProtobufCMessage **) (items + k * size) == NULL)
					*(ProtobufCMessage **) (items + k * size) = random_message(f->descriptor, depth + 1, maps);
			}
			*(size_t *) (base + f->quantifier_offset) = n;
			*(char **) (base + f->offset) = items;
			continue;
		}
		if (below(3) == 0)
			continue; /* leave the default */
		random_value(f, base + f->offset, 1, depth, maps);
	}
	return m;
}

static int command_generate(const ProtobufCMessageDescriptor *d, unsigned long count, uint64_t seed,
                            const char *records_path, const char *lines_path, int maps)
{
	FILE *records = open_file(records_path, "wb"), *lines = open_file(lines_path, "w");
	rng_state = seed;
	for (unsigned long i = 0; i < count; i++) {
		ProtobufCMessage *m = random_message(d, 0, maps);
		write_packed(records, m);
		Text t = {0};
		dump_message(&t, d, m);
		fprintf(lines, "%s\n", t.data);
		free(t.data);
		arena_reset();
	}
	int failed = fclose(records) != 0;
	failed |= fclose(lines) != 0;
	return failed;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "dump") == 0)
		return command_dump(find_message(argv[2]), argv[3], argv[4]);
	if (argc == 5 && strcmp(argv[1], "repack") == 0)
		return command_repack(find_message(argv[2]), argv[3], argv[4]);
	if ((argc == 7 || (argc == 8 && strcmp(argv[7], "no-maps") == 0)) && strcmp(argv[1], "generate") == 0)
		return command_generate(find_message(argv[2]), strtoul(argv[3], NULL, 10),
		                        strtoull(argv[4], NULL, 10), argv[5], argv[6], argc == 7);
	fprintf(stderr,
	        "usage: reference dump NAME IN_RECORDS OUT_LINES\n"
	        "       reference generate NAME COUNT SEED OUT_RECORDS OUT_LINES [no-maps]\n"
	        "       reference repack NAME IN_RECORDS OUT_RECORDS\n");
	return 2;
}
