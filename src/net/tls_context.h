#pragma once
// The server side of TLS as one OpenSSL context: certificate and key, the CAs that client
// certificates are checked against, which clients must present one, protocol versions,
// ciphers, DH parameters and the session cache. Built whole from a TlsSettings or not at
// all, so a bad file never leaves a half-configured context behind: the caller keeps the
// context it had. Sessions (net/tls_session.h) hold their own reference to the OpenSSL
// context, so a replaced TlsContext may be destroyed while its clients are still connected.

#include <memory>
#include <string>

typedef struct ssl_ctx_st SSL_CTX;

namespace corvid {

struct TlsSettings {
  enum class ClientAuth { No, Yes, Optional };

  std::string cert_file;
  std::string key_file;
  std::string key_file_pass;
  // The certificate the server would present when it connects out (replication, cluster);
  // checked as Redis checks it, so a bad one is refused the same way.
  std::string client_cert_file;
  std::string client_key_file;
  std::string client_key_file_pass;
  std::string dh_params_file;
  std::string ca_cert_file;
  std::string ca_cert_dir;
  ClientAuth auth_clients = ClientAuth::Yes;
  // Words among TLSv1, TLSv1.1, TLSv1.2, TLSv1.3 (any case); empty means TLSv1.2 and TLSv1.3.
  std::string protocols;
  std::string ciphers;       // TLSv1.2 and older (OpenSSL's cipher list syntax)
  std::string ciphersuites;  // TLSv1.3
  bool prefer_server_ciphers = false;
  bool session_caching = true;
  int session_cache_size = 20480;
  int session_cache_timeout = 300;
};

class TlsContext {
 public:
  // The context, or nullptr with `error` set to the reason in Redis's words
  // ("Failed to load certificate: <file>: <OpenSSL error>", "No tls-cert-file configured!").
  static std::unique_ptr<TlsContext> create(const TlsSettings& settings, std::string* error);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* server_context() const { return server_; }

 private:
  explicit TlsContext(SSL_CTX* server) : server_(server) {}

  SSL_CTX* server_;
};

// The text of the oldest error in OpenSSL's queue of this thread (which it empties), as
// OpenSSL words it ("error:0A000126:SSL routines::unexpected eof while reading"); empty when
// the queue is empty.
std::string take_tls_error();

}  // namespace corvid
