/*
 * credential.c: the Open Badges 3.0 credential of a certificate and its Data Integrity proof.
 *
 * The proof is an eddsa-rdfc-2022 DataIntegrityProof (W3C VC Data Integrity EdDSA Cryptosuites
 * v1.0, section 3.3): the credential without proof and the proof options (the proof without
 * proofValue, with the credential's @context) are each canonicalized with RDFC-1.0 and hashed with
 * SHA-256; Ed25519 signs the proof options hash followed by the credential hash, and proofValue is
 * "z" + base58btc of the signature.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "mic.h"

#define ED25519_SIG_LEN 64

/* ---- Data Integrity ---- */

/* Computes proof options hash || document hash into out; the document must have no proof. */
static int proof_hash_data(json_t *document, json_t *options, unsigned char out[64], char *err,
    size_t errlen)
{
	json_t *config = json_deep_copy(options);
	struct buf canonical;
	int rc = -1;

	buf_init(&canonical);
	json_object_del(config, "proofValue");
	json_object_set(config, "@context", json_object_get(document, "@context"));
	if (rdfc_canonicalize_jsonld(config, &canonical, err, errlen) != 0)
		goto out;
	SHA256((const unsigned char *)(canonical.data ? canonical.data : ""), canonical.len, out);
	buf_reset(&canonical);
	if (rdfc_canonicalize_jsonld(document, &canonical, err, errlen) != 0)
		goto out;
	SHA256((const unsigned char *)(canonical.data ? canonical.data : ""), canonical.len, out + 32);
	rc = 0;
out:
	buf_free(&canonical);
	json_decref(config);
	return rc;
}

int dataintegrity_sign(json_t *document, EVP_PKEY *key, const char *verification_method,
    time_t created, char *err, size_t errlen)
{
	char created_iso[32];
	unsigned char data[64];
	unsigned char signature[ED25519_SIG_LEN];
	size_t signature_len = sizeof signature;
	EVP_MD_CTX *md = NULL;
	struct buf value;
	int rc = -1;

	buf_init(&value);
	time_format_iso(created, created_iso);
	json_t *proof = json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", "DataIntegrityProof",
	    "cryptosuite", "eddsa-rdfc-2022", "created", created_iso,
	    "verificationMethod", verification_method, "proofPurpose", "assertionMethod");
	if (proof_hash_data(document, proof, data, err, errlen) != 0)
		goto out;

	ERR_clear_error();
	md = EVP_MD_CTX_new();
	if (!md || EVP_DigestSignInit(md, NULL, NULL, NULL, key) != 1 ||
	    EVP_DigestSign(md, signature, &signature_len, data, sizeof data) != 1) {
		snprintf(err, errlen, "Ed25519 signing failed in OpenSSL");
		goto out;
	}
	buf_putc(&value, 'z');
	base58btc_encode(signature, signature_len, &value);
	json_object_set_new(proof, "proofValue", json_string(value.data));
	json_object_set(document, "proof", proof);
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	buf_free(&value);
	json_decref(proof);
	return rc;
}

static enum check_result check_fail(enum check_result result, char *detail, size_t len,
    const char *message)
{
	snprintf(detail, len, "%s", message);
	return result;
}

/* Checks the signature bytes of proof over document (both without the other) with raw_key. */
static bool signature_matches(json_t *document, json_t *proof, const unsigned char raw_key[32],
    const char *proof_value, char *err, size_t errlen, bool *canonicalized)
{
	unsigned char data[64];
	unsigned char signature[128];
	size_t signature_len = 0;
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *md = NULL;
	bool ok = false;

	*canonicalized = false;
	if (proof_hash_data(document, proof, data, err, errlen) != 0)
		return false;
	*canonicalized = true;
	if (proof_value[0] != 'z' ||
	    base58btc_decode(proof_value + 1, signature, sizeof signature, &signature_len) != 0 ||
	    signature_len != ED25519_SIG_LEN)
		return false;
	ERR_clear_error();
	key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw_key, 32);
	md = EVP_MD_CTX_new();
	ok = key && md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) == 1 &&
	    EVP_DigestVerify(md, signature, signature_len, data, sizeof data) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	return ok;
}

enum check_result dataintegrity_verify(struct worker *w, json_t *credential, char *detail,
    size_t detail_len, char key_id[SIGNING_KEY_ID_MAX])
{
	char did[ISSUER_DID_MAX];
	json_t *proof = json_object_get(credential, "proof");
	const char *vm = json_string_value(json_object_get(proof, "verificationMethod"));
	const char *value = json_string_value(json_object_get(proof, "proofValue"));
	const char *created_text = json_string_value(json_object_get(proof, "created"));
	struct signing_key_info key;
	time_t created;
	bool found = false;
	char err[256] = "";

	key_id[0] = '\0';
	if (!json_is_object(proof))
		return check_fail(CHECK_INVALID, detail, detail_len, "the credential carries no proof");
	const char *type = json_string_value(json_object_get(proof, "type"));
	const char *suite = json_string_value(json_object_get(proof, "cryptosuite"));
	if (!type || strcmp(type, "DataIntegrityProof") != 0 || !suite ||
	    strcmp(suite, "eddsa-rdfc-2022") != 0 || !vm || !value || !created_text)
		return check_fail(CHECK_UNCHECKED, detail, detail_len,
		    "the proof is not an eddsa-rdfc-2022 Data Integrity proof, the only kind MIC checks");
	issuer_did(did);
	size_t did_len = strlen(did);
	if (strncmp(vm, did, did_len) != 0 || vm[did_len] != '#' || strlen(vm + did_len + 1) >= SIGNING_KEY_ID_MAX)
		return check_fail(CHECK_INVALID, detail, detail_len,
		    "the proof was made with a key that is not one of the alliance's keys");
	snprintf(key_id, SIGNING_KEY_ID_MAX, "%s", vm + did_len + 1);
	if (signing_key_lookup(w, key_id, &key, &found) != 0)
		return check_fail(CHECK_UNCHECKED, detail, detail_len, "the alliance's keys could not be read");
	if (!found)
		return check_fail(CHECK_INVALID, detail, detail_len,
		    "the proof names a key that the alliance never published");
	if (time_parse_iso(created_text, &created) != 0)
		return check_fail(CHECK_INVALID, detail, detail_len, "the proof's creation time is invalid");
	/* The key's valid_from has microseconds and created only seconds, hence the one second. */
	if (created + 1 < key.valid_from || (key.valid_until && created > key.valid_until))
		return check_fail(CHECK_INVALID, detail, detail_len,
		    "the key that made the proof was not valid when the proof was made");

	json_t *document = json_deep_copy(credential);
	json_object_del(document, "proof");
	bool canonicalized;
	bool ok = signature_matches(document, proof, key.public_key, value, err, sizeof err, &canonicalized);
	json_decref(document);
	if (!canonicalized) {
		snprintf(detail, detail_len, "the credential could not be canonicalized: %s", err);
		utf8_trim_incomplete(detail);
		return CHECK_UNCHECKED;
	}
	if (!ok)
		return check_fail(CHECK_INVALID, detail, detail_len,
		    "the signature does not match the content: the credential was changed after signing");
	return check_fail(CHECK_VALID, detail, detail_len, SIGNATURE_VALID_DETAIL);
}

/* ---- The OpenBadgeCredential ---- */

/* Adds an Alignment to alignments unless its target URL is empty; type may be NULL. */
static void alignment_add(json_t *alignments, const char *name, const char *url, const char *framework,
    const char *type, const char *code)
{
	if (!url || !*url)
		return;
	json_t *a = json_pack("{s:[s], s:s, s:s, s:s}", "type", "Alignment", "targetName",
	    name && *name ? name : url, "targetUrl", url, "targetFramework", framework);
	if (type)
		json_object_set_new(a, "targetType", json_string(type));
	if (code && *code)
		json_object_set_new(a, "targetCode", json_string(code));
	json_array_append_new(alignments, a);
}

/* The EQF level, the ESCO occupations and the distinct ESCO skills, as the Achievement export has them. */
static json_t *alignments_json(const json_t *snapshot)
{
	json_t *alignments = json_array();
	json_t *seen = json_object();
	json_t *eqf = json_object_get(snapshot, "eqf_level");
	size_t i, k;
	json_t *item, *skill;

	if (json_is_integer(eqf)) {
		char url[64], name[32], code[8];
		snprintf(url, sizeof url, "http://data.europa.eu/snb/eqf/%lld", (long long)json_integer_value(eqf));
		snprintf(name, sizeof name, "EQF level %lld", (long long)json_integer_value(eqf));
		snprintf(code, sizeof code, "%lld", (long long)json_integer_value(eqf));
		alignment_add(alignments, name, url, "European Qualifications Framework", NULL, code);
	}
	json_array_foreach(json_object_get(snapshot, "esco_occupations"), i, item)
		alignment_add(alignments, json_string_value(json_object_get(item, "label")),
		    json_string_value(json_object_get(item, "uri")), "ESCO", NULL,
		    json_string_value(json_object_get(item, "isco_code")));
	json_array_foreach(json_object_get(snapshot, "learning_outcomes"), i, item) {
		json_array_foreach(json_object_get(item, "esco_skills"), k, skill) {
			const char *uri = json_string_value(json_object_get(skill, "uri"));

			if (!uri || json_object_get(seen, uri))
				continue;
			json_object_set_new(seen, uri, json_true());
			alignment_add(alignments, json_string_value(json_object_get(skill, "label")), uri, "ESCO",
			    "ceasn:Competency", NULL);
		}
	}
	json_decref(seen);
	return alignments;
}

/* The criteria narrative (Markdown): learning outcomes, assessment and notional workload. */
static char *criteria_narrative(const json_t *snapshot)
{
	struct buf b;
	size_t i;
	json_t *item;
	const char *assessment = json_string_value(json_object_get(snapshot, "assessment_type"));

	buf_init(&b);
	buf_puts(&b, "Learning outcomes:\n");
	json_array_foreach(json_object_get(snapshot, "learning_outcomes"), i, item)
		buf_printf(&b, "%zu. %s\n", i + 1, json_string_value(json_object_get(item, "statement")));
	if (assessment)
		buf_printf(&b, "\nAssessment: %s\n", assessment);
	buf_printf(&b, "\nNotional workload: %lld hours\n",
	    (long long)json_integer_value(json_object_get(snapshot, "workload_hours")));
	return b.data;
}

/* The Achievement: the micro-credential as snapshotted at issue. */
static json_t *achievement_json(const json_t *snapshot)
{
	const json_t *org = json_object_get(snapshot, "promoting_organisation");
	char url[CERT_VERIFY_URL_MAX + 64];
	char creator_id[64];
	char *narrative = criteria_narrative(snapshot);
	const char *language = json_string_value(json_object_get(snapshot, "language"));
	json_t *ects = json_object_get(snapshot, "ects_credits");

	snprintf(url, sizeof url, "%s/api/v1/microcredentials/%lld", cfg.public_url,
	    (long long)json_integer_value(json_object_get(snapshot, "id")));
	/* NOTE: organisations have no public page yet, so the creator's id is a URN, not a URL. */
	snprintf(creator_id, sizeof creator_id, "urn:mic:organisation:%lld",
	    (long long)json_integer_value(json_object_get(org, "id")));
	json_t *a = json_pack("{s:s, s:[s], s:s, s:s, s:s, s:{s:s}, s:o, s:{s:s, s:[s], s:s}}",
	    "id", url, "type", "Achievement", "achievementType", "MicroCredential",
	    "name", json_string_value(json_object_get(snapshot, "title")),
	    "description", json_string_value(json_object_get(snapshot, "summary")),
	    "criteria", "narrative", narrative,
	    "alignment", alignments_json(snapshot),
	    "creator", "id", creator_id, "type", "Profile",
	    "name", json_string_value(json_object_get(org, "name")));
	free(narrative);
	if (json_is_number(ects))
		json_object_set(a, "creditsAvailable", ects);
	if (language)
		json_object_set_new(a, "inLanguage", json_string(language));
	return a;
}

/* The holder's IdentityObject for an e-mail address: "sha256$" + hex(SHA-256(lower(email) + salt)). */
static json_t *email_identity_json(const char *email)
{
	char salt[32];
	char hash[65];
	char identity[72];
	struct buf input;

	token_random(salt, sizeof salt, 16);
	buf_init(&input);
	for (const char *p = email; *p; p++)
		buf_putc(&input, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
	buf_puts(&input, salt);
	sha256_hex(input.data, input.len, hash);
	buf_free(&input);
	snprintf(identity, sizeof identity, "sha256$%s", hash);
	return json_pack("{s:s, s:b, s:s, s:s, s:s}", "type", "IdentityObject", "hashed", 1,
	    "identityHash", identity, "identityType", "emailAddress", "salt", salt);
}

json_t *credential_build(const struct credential_input *in)
{
	char did[ISSUER_DID_MAX];
	char verify_url[CERT_VERIFY_URL_MAX];
	char valid_from[32];
	char status_url[CERT_VERIFY_URL_MAX + 32];
	char status_entry[CERT_VERIFY_URL_MAX + 64];
	char index[16];

	issuer_did(did);
	certificate_verify_url(in->certificate_id, verify_url, sizeof verify_url);
	time_format_iso(in->issued_at, valid_from);
	snprintf(status_url, sizeof status_url, "%s/status/%d", cfg.public_url, in->status_list);
	snprintf(status_entry, sizeof status_entry, "%s#%d", status_url, in->status_index);
	snprintf(index, sizeof index, "%d", in->status_index);

	json_t *subject = json_pack("{s:[s], s:[{s:s, s:b, s:s, s:s}, o], s:o}",
	    "type", "AchievementSubject",
	    "identifier", "type", "IdentityObject", "hashed", 0, "identityHash", in->holder_name,
	    "identityType", "name", email_identity_json(in->holder_email),
	    "achievement", achievement_json(in->snapshot));
	json_t *c = json_pack("{s:[s, s], s:s, s:[s, s], s:{s:s, s:[s], s:s}, s:s, s:s, s:o, s:{s:s, s:s, s:s, s:s, s:s}}",
	    "@context", RDF_CONTEXT_CREDENTIALS_V2, RDF_CONTEXT_OPEN_BADGES,
	    "id", verify_url,
	    "type", "VerifiableCredential", "OpenBadgeCredential",
	    "issuer", "id", did, "type", "Profile", "name", MIC_ISSUER_NAME,
	    "validFrom", valid_from,
	    "name", json_string_value(json_object_get(in->snapshot, "title")),
	    "credentialSubject", subject,
	    "credentialStatus", "id", status_entry, "type", "BitstringStatusListEntry",
	    "statusPurpose", "revocation", "statusListIndex", index, "statusListCredential", status_url);
	if (in->has_valid_until) {
		char valid_until[32];
		time_format_iso(in->valid_until, valid_until);
		json_object_set_new(c, "validUntil", json_string(valid_until));
	}
	/* The day the holder earned it, as the start of that day in the alliance's time zone. */
	time_t awarded;
	if (in->awarded_on && time_local_day_start(in->awarded_on, &awarded) == 0) {
		char awarded_date[32];
		time_format_iso(awarded, awarded_date);
		json_object_set_new(c, "awardedDate", json_string(awarded_date));
	}
	if (in->evidence_url)
		json_object_set_new(c, "evidence", json_pack("[{s:s, s:[s]}]", "id", in->evidence_url,
		    "type", "Evidence"));
	return c;
}

EVP_PKEY *current_signing_key_or_reply(struct req *r, char key_id[SIGNING_KEY_ID_MAX])
{
	char err[1024];
	bool found = false;

	if (signing_key_current(r->w, key_id, &found) != 0) {
		reply_db_error(r);
		return NULL;
	}
	if (!found) {
		log_event(LOG_ERROR, r->request_id, "event=signing_key_missing error=\"no current key in signing_keys\"");
		reply_header(r, "Retry-After", "60");
		reply_error(r, 503, "signing_key_unavailable", NULL,
		    "the alliance's signing key is not set up, so nothing can be issued; an operator must run "
		    "`mic-server keygen`");
		return NULL;
	}
	enum signing_key_problem problem;
	EVP_PKEY *key = signing_key_read(key_id, &problem, err, sizeof err);
	if (!key) {
		/*
		 * Nothing is issued unsigned or with a key that others may have copied. The message names
		 * the file and the command that fixes it, for the operator the caller will ask.
		 */
		log_event(LOG_ERROR, r->request_id, "event=signing_key_unusable key=%s code=%s error=\"%s\"",
		    key_id, signing_key_problem_code(problem), err);
		reply_header(r, "Retry-After", "60");
		reply_error(r, 503, signing_key_problem_code(problem), NULL,
		    "nothing can be issued until an operator fixes the alliance's signing key: %s", err);
	}
	return key;
}

char *credential_sign_text(const struct credential_input *in, EVP_PKEY *key, const char *key_id,
    char *err, size_t errlen)
{
	char vm[ISSUER_VM_MAX];
	char *text = NULL;

	json_t *credential = credential_build(in);
	issuer_verification_method(key_id, vm);
	if (dataintegrity_sign(credential, key, vm, in->issued_at, err, errlen) == 0)
		text = json_dumps(credential, JSON_COMPACT);
	json_decref(credential);
	return text;
}

void credential_issued_at_text(const struct credential_input *in, char out[48])
{
	char issued_second[32];

	time_format_db(in->issued_at, issued_second);
	snprintf(out, 48, "%s.%06ld", issued_second, in->issued_usec);
}

int credential_issue(struct worker *w, struct credential_input *in, EVP_PKEY *key, const char *key_id,
    char *err, size_t errlen)
{
	static const char sql[] =
	    "UPDATE certificates SET credential = ?, status_list = ?, status_index = ?, issued_at = ?,"
	    " checked_sha256 = ?, checked_valid = 1, checked_detail = ? WHERE id = ?";
	char issued_at[48], text_sha256[65];

	/* A bulk job reserves its entries beforehand; list 0 means none is reserved yet. */
	if (in->status_list == 0
	    && status_list_assign(w, in->certificate_id, &in->status_list, &in->status_index) != 0) {
		snprintf(err, errlen, "no status list entry could be reserved");
		return -1;
	}
	char *text = credential_sign_text(in, key, key_id, err, errlen);
	if (!text)
		return -1;
	credential_issued_at_text(in, issued_at);
	/*
	 * The text was just signed with a current key of the alliance, so its check is known to be
	 * valid, and the first verification need not canonicalise it again.
	 */
	sha256_hex(text, strlen(text), text_sha256);
	struct db_param params[] = { P_TEXT(text), P_INT(in->status_list), P_INT(in->status_index),
		P_TEXT(issued_at), P_TEXT(text_sha256), P_TEXT(SIGNATURE_VALID_DETAIL),
		P_TEXT(in->certificate_id) };
	int rc = db_exec(w, sql, params, 7, NULL, NULL);
	if (rc != 0)
		snprintf(err, errlen, "storing the credential failed");
	free(text);
	return rc;
}
