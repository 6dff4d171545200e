// TlsContext: one SSL_CTX built from TlsSettings, in the order Redis checks things, so the
// first problem reported is the one Redis reports.

#include "net/tls_context.h"

#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

#include "core/ascii_case.h"

namespace corvid {

namespace {

struct ContextDeleter {
  void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
};
using ContextHandle = std::unique_ptr<SSL_CTX, ContextDeleter>;

// A key file's passphrase: OpenSSL's own fallback would prompt on the terminal, which a
// server must never do, so no passphrase configured means none is offered.
int passphrase_callback(char* buffer, int size, int /*rwflag*/, void* user_data) {
  const auto* pass = static_cast<const std::string*>(user_data);
  if (pass == nullptr || pass->empty()) return 0;
  int length = static_cast<int>(std::min<size_t>(pass->size(), static_cast<size_t>(size)));
  std::memcpy(buffer, pass->data(), static_cast<size_t>(length));
  return length;
}

// The protocols tls-protocols allows, as the SSL_OP_NO_* options that turn the others off;
// false for an unknown word.
bool protocol_options(std::string_view protocols, uint64_t* disabled) {
  bool tls1 = false, tls1_1 = false, tls1_2 = false, tls1_3 = false;
  if (protocols.find_first_not_of(' ') == std::string_view::npos) {
    tls1_2 = tls1_3 = true;
  }
  size_t at = 0;
  while (at < protocols.size()) {
    size_t end = protocols.find(' ', at);
    if (end == std::string_view::npos) end = protocols.size();
    std::string_view word = protocols.substr(at, end - at);
    at = end + 1;
    if (word.empty()) continue;
    if (equals_ignore_case(word, "TLSv1")) {
      tls1 = true;
    } else if (equals_ignore_case(word, "TLSv1.1")) {
      tls1_1 = true;
    } else if (equals_ignore_case(word, "TLSv1.2")) {
      tls1_2 = true;
    } else if (equals_ignore_case(word, "TLSv1.3")) {
      tls1_3 = true;
    } else {
      return false;
    }
  }
  *disabled = (tls1 ? 0 : SSL_OP_NO_TLSv1) | (tls1_1 ? 0 : SSL_OP_NO_TLSv1_1) | (tls1_2 ? 0 : SSL_OP_NO_TLSv1_2) |
              (tls1_3 ? 0 : SSL_OP_NO_TLSv1_3);
  return true;
}

// Certificate chain and private key (which must match it); false with Redis's message.
bool load_identity(SSL_CTX* context, const std::string& cert_file, const std::string& key_file,
                   const std::string& pass, std::string* error) {
  SSL_CTX_set_default_passwd_cb(context, passphrase_callback);
  SSL_CTX_set_default_passwd_cb_userdata(context, const_cast<std::string*>(&pass));
  bool loaded = false;
  if (SSL_CTX_use_certificate_chain_file(context, cert_file.c_str()) <= 0) {
    *error = "Failed to load certificate: " + cert_file + ": " + take_tls_error();
  } else if (SSL_CTX_use_PrivateKey_file(context, key_file.c_str(), SSL_FILETYPE_PEM) <= 0) {
    *error = "Failed to load private key: " + key_file + ": " + take_tls_error();
  } else {
    loaded = true;
  }
  // The passphrase is needed only while loading; the context must not point at it after.
  SSL_CTX_set_default_passwd_cb_userdata(context, nullptr);
  return loaded;
}

bool load_dh_params(SSL_CTX* context, const std::string& file, std::string* error) {
  FILE* in = std::fopen(file.c_str(), "r");
  if (in == nullptr) {
    *error = "Failed to load " + file + ": " + std::strerror(errno);
    return false;
  }
  EVP_PKEY* params = nullptr;
  OSSL_DECODER_CTX* decoder = OSSL_DECODER_CTX_new_for_pkey(&params, "PEM", nullptr, "DH",
                                                            OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS, nullptr, nullptr);
  bool decoded = decoder != nullptr && OSSL_DECODER_from_fp(decoder, in) != 0;
  OSSL_DECODER_CTX_free(decoder);
  std::fclose(in);
  if (!decoded) {
    EVP_PKEY_free(params);
    ERR_clear_error();
    *error = file + ": failed to read DH params.";
    return false;
  }
  // On success the context owns the parameters.
  if (SSL_CTX_set0_tmp_dh_pkey(context, params) <= 0) {
    EVP_PKEY_free(params);
    *error = "Failed to load DH params file: " + file + ": " + take_tls_error();
    return false;
  }
  return true;
}

}  // namespace

std::string take_tls_error() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return {};
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

std::unique_ptr<TlsContext> TlsContext::create(const TlsSettings& settings, std::string* error) {
  ERR_clear_error();
  if (settings.cert_file.empty()) {
    *error = "No tls-cert-file configured!";
    return nullptr;
  }
  if (settings.key_file.empty()) {
    *error = "No tls-key-file configured!";
    return nullptr;
  }
  if (settings.auth_clients != TlsSettings::ClientAuth::No && settings.ca_cert_file.empty() &&
      settings.ca_cert_dir.empty()) {
    *error =
        "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or "
        "tls-auth-clients are enabled!";
    return nullptr;
  }
  ContextHandle context(SSL_CTX_new(TLS_server_method()));
  if (context == nullptr) {
    *error = "Failed to create TLS context: " + take_tls_error();
    return nullptr;
  }
  uint64_t disabled_protocols = 0;
  if (!protocol_options(settings.protocols, &disabled_protocols)) {
    *error = "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.";
    return nullptr;
  }
  SSL_CTX* ctx = context.get();
  uint64_t options = SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                     SSL_OP_SINGLE_DH_USE | SSL_OP_SINGLE_ECDH_USE | disabled_protocols;
  if (settings.prefer_server_ciphers) options |= SSL_OP_CIPHER_SERVER_PREFERENCE;
  if (!settings.session_caching) options |= SSL_OP_NO_TICKET;  // TLSv1.2 tickets would resume sessions all the same
  SSL_CTX_set_options(ctx, options);
  // Partial writes: a large reply leaves in records as the socket takes them; the retry of
  // a write that had to wait may come from a buffer that has moved (grown).
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // Read-ahead: one read(2) takes whatever the socket holds, where OpenSSL would otherwise
  // read each record's header and body separately (two system calls per request).
  // TlsSession reads on while OpenSSL holds bytes, so nothing waits there unseen by epoll.
  SSL_CTX_set_read_ahead(ctx, 1);
  if (settings.session_caching) {
    static constexpr unsigned char kSessionContext[] = "corvid";
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(ctx, settings.session_cache_size);
    SSL_CTX_set_timeout(ctx, settings.session_cache_timeout);
    SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx, 0);  // nor TLSv1.3's
  }
  switch (settings.auth_clients) {
    case TlsSettings::ClientAuth::Yes:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      break;
    case TlsSettings::ClientAuth::Optional:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
      break;
    case TlsSettings::ClientAuth::No:
      SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
      break;
  }
  if (!load_identity(ctx, settings.cert_file, settings.key_file, settings.key_file_pass, error)) return nullptr;
  if (!settings.ca_cert_file.empty() || !settings.ca_cert_dir.empty()) {
    const char* file = settings.ca_cert_file.empty() ? nullptr : settings.ca_cert_file.c_str();
    const char* dir = settings.ca_cert_dir.empty() ? nullptr : settings.ca_cert_dir.c_str();
    if (SSL_CTX_load_verify_locations(ctx, file, dir) <= 0) {
      *error = "Failed to configure CA certificate(s) file/directory: " + take_tls_error();
      return nullptr;
    }
  }
  if (!settings.dh_params_file.empty() && !load_dh_params(ctx, settings.dh_params_file, error)) return nullptr;
  if (!settings.ciphers.empty() && SSL_CTX_set_cipher_list(ctx, settings.ciphers.c_str()) == 0) {
    ERR_clear_error();
    *error = "Failed to configure ciphers: " + settings.ciphers;
    return nullptr;
  }
  if (!settings.ciphersuites.empty() && SSL_CTX_set_ciphersuites(ctx, settings.ciphersuites.c_str()) == 0) {
    ERR_clear_error();
    *error = "Failed to configure ciphersuites: " + settings.ciphersuites;
    return nullptr;
  }
  if (!settings.client_cert_file.empty()) {
    // Corvid makes no outgoing TLS connections yet; the client identity is checked as Redis
    // checks it, so a configuration Redis refuses is refused here too.
    ContextHandle client(SSL_CTX_new(TLS_client_method()));
    if (client == nullptr) {
      *error = "Failed to create TLS context: " + take_tls_error();
      return nullptr;
    }
    if (!load_identity(client.get(), settings.client_cert_file, settings.client_key_file,
                       settings.client_key_file_pass, error)) {
      return nullptr;
    }
  }
  return std::unique_ptr<TlsContext>(new TlsContext(context.release()));
}

TlsContext::~TlsContext() { SSL_CTX_free(server_); }

}  // namespace corvid
