// TlsContext's refusals (Redis's texts, the first problem found) and TlsSession's
// read(2)/writev(2) contract, with a certificate made here and an OpenSSL client on the
// other end of a non-blocking socket pair.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "net/tls_context.h"
#include "net/tls_session.h"

namespace corvid {
namespace {

// A self-signed certificate and its key, written to a temporary directory; the key is
// encrypted when a passphrase is given.
class Identity {
 public:
  explicit Identity(const std::string& passphrase = "") {
    char dir_template[] = "/tmp/corvid-tls-test-XXXXXX";
    dir_ = mkdtemp(dir_template);
    EVP_PKEY* key = EVP_RSA_gen(2048);
    X509* cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("corvid-test"), -1,
                               -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    FILE* out = std::fopen(cert_file().c_str(), "w");
    PEM_write_X509(out, cert);
    std::fclose(out);
    out = std::fopen(key_file().c_str(), "w");
    if (passphrase.empty()) {
      PEM_write_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
    } else {
      PEM_write_PrivateKey(out, key, EVP_aes_128_cbc(), reinterpret_cast<const unsigned char*>(passphrase.data()),
                           static_cast<int>(passphrase.size()), nullptr, nullptr);
    }
    std::fclose(out);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  ~Identity() {
    unlink(cert_file().c_str());
    unlink(key_file().c_str());
    rmdir(dir_.c_str());
  }

  std::string cert_file() const { return dir_ + "/cert.pem"; }
  std::string key_file() const { return dir_ + "/key.pem"; }

  // Server settings that need no client certificate.
  TlsSettings settings() const {
    TlsSettings settings;
    settings.cert_file = cert_file();
    settings.key_file = key_file();
    settings.auth_clients = TlsSettings::ClientAuth::No;
    return settings;
  }

 private:
  std::string dir_;
};

const Identity& shared_identity() {
  static const Identity identity;
  return identity;
}

std::string refusal(const TlsSettings& settings) {
  std::string error;
  std::unique_ptr<TlsContext> context = TlsContext::create(settings, &error);
  return context == nullptr ? error : "(created)";
}

TEST(TlsContext, RefusesIncompleteSettingsAsRedisDoes) {
  TlsSettings settings = shared_identity().settings();
  EXPECT_EQ(refusal(settings), "(created)");
  settings.auth_clients = TlsSettings::ClientAuth::Optional;
  EXPECT_EQ(refusal(settings),
            "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or "
            "tls-auth-clients are enabled!");
  settings.ca_cert_file = shared_identity().cert_file();  // self-signed: its own CA
  EXPECT_EQ(refusal(settings), "(created)");
  settings.key_file.clear();
  EXPECT_EQ(refusal(settings), "No tls-key-file configured!");
  settings.cert_file.clear();
  EXPECT_EQ(refusal(settings), "No tls-cert-file configured!");
}

TEST(TlsContext, NamesTheFileOrWordThatFailed) {
  TlsSettings settings = shared_identity().settings();
  settings.protocols = "TLSv1.2 tlsv1.3";
  EXPECT_EQ(refusal(settings), "(created)");
  settings.protocols = "TLSv1.2 SSLv3";
  EXPECT_EQ(refusal(settings),
            "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
  settings = shared_identity().settings();
  settings.cert_file = "/nonexistent/cert.pem";
  EXPECT_EQ(refusal(settings),
            "Failed to load certificate: /nonexistent/cert.pem: error:80000002:system library::No such file or "
            "directory");
  settings = shared_identity().settings();
  settings.key_file = settings.cert_file;  // a certificate is no key
  EXPECT_EQ(refusal(settings).rfind("Failed to load private key: " + settings.cert_file + ": error:", 0), 0u);
  settings = shared_identity().settings();
  settings.ciphers = "bogus";
  EXPECT_EQ(refusal(settings), "Failed to configure ciphers: bogus");
  settings = shared_identity().settings();
  settings.ciphersuites = "bogus";
  EXPECT_EQ(refusal(settings), "Failed to configure ciphersuites: bogus");
}

TEST(TlsContext, AnEncryptedKeyNeedsItsPassphrase) {
  Identity locked("secret");
  TlsSettings settings = locked.settings();
  EXPECT_EQ(refusal(settings).rfind("Failed to load private key: ", 0), 0u);  // and no prompt
  settings.key_file_pass = "wrong";
  EXPECT_EQ(refusal(settings).rfind("Failed to load private key: ", 0), 0u);
  settings.key_file_pass = "secret";
  EXPECT_EQ(refusal(settings), "(created)");
}

// A TlsSession on one end of a socket pair and an OpenSSL client on the other, both
// non-blocking, moved forward in turns as an event loop would.
class TlsPair : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    context_ = TlsContext::create(shared_identity().settings(), &error);
    ASSERT_NE(context_, nullptr) << error;
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    server_fd_ = fds[0];
    client_fd_ = fds[1];
    session_ = std::make_unique<TlsSession>(context_->server_context(), server_fd_);
    client_context_ = SSL_CTX_new(TLS_client_method());
    client_ = SSL_new(client_context_);
    SSL_set_fd(client_, client_fd_);
    SSL_set_connect_state(client_);
  }
  void TearDown() override {
    session_.reset();
    SSL_free(client_);
    SSL_CTX_free(client_context_);
    close(server_fd_);
    close(client_fd_);
  }

  // Plaintext the server reads (into `into`), with the client's handshake moved along.
  ssize_t server_read(std::string& into) {
    char buffer[8192];
    ssize_t n = session_->read(buffer, sizeof buffer);
    if (n > 0) into.append(buffer, static_cast<size_t>(n));
    return n;
  }

  void handshake() {
    std::string ignored;
    for (int turn = 0; turn < 100 && !session_->handshake_done(); ++turn) {
      SSL_do_handshake(client_);
      ASSERT_LT(server_read(ignored), 1);
      if (turn == 99) FAIL() << "no handshake: " << session_->error();
    }
    EXPECT_TRUE(session_->take_establishment());
    EXPECT_FALSE(session_->take_establishment());  // once
  }

  std::unique_ptr<TlsContext> context_;
  std::unique_ptr<TlsSession> session_;
  SSL_CTX* client_context_ = nullptr;
  SSL* client_ = nullptr;
  int server_fd_ = -1;
  int client_fd_ = -1;
};

TEST_F(TlsPair, ReadsLikeReadAndWritesLikeWritev) {
  handshake();
  std::string received;
  errno = 0;
  EXPECT_EQ(server_read(received), -1);  // nothing sent yet: wait, as read(2) says it
  EXPECT_EQ(errno, EAGAIN);

  // More than one record, read in pieces smaller than a record: what OpenSSL keeps back
  // is said by has_buffered_input.
  std::string request(100000, 'q');
  for (size_t i = 0; i < request.size(); ++i) request[i] = static_cast<char>('a' + i % 26);
  size_t sent = 0;
  while (sent < request.size() || session_->has_buffered_input() || received.size() < request.size()) {
    if (sent < request.size()) {
      int n = SSL_write(client_, request.data() + sent, static_cast<int>(request.size() - sent));
      if (n > 0) sent += static_cast<size_t>(n);
    }
    if (server_read(received) == 0) break;
  }
  EXPECT_EQ(received, request);

  // Several pieces, more than the socket buffer holds: partial writes, then EAGAIN until
  // the client reads, resumed from the unsent bytes. As in the reply buffer, the pieces
  // keep their boundaries and only the first one's start moves as bytes leave.
  std::vector<std::string> pieces = {std::string(5, 'a'), std::string(300000, 'b'), std::string(70000, 'c')};
  std::string expected = pieces[0] + pieces[1] + pieces[2];
  size_t written = 0;
  std::string got;
  bool waited = false;
  while (got.size() < expected.size()) {
    if (written < expected.size()) {
      std::vector<iovec> unsent;
      size_t start = 0;
      for (std::string& piece : pieces) {
        size_t end = start + piece.size();
        if (written < end) {
          size_t skip = written > start ? written - start : 0;
          unsent.push_back({piece.data() + skip, piece.size() - skip});
        }
        start = end;
      }
      ssize_t n = session_->writev(unsent.data(), static_cast<int>(unsent.size()));
      if (n < 0) {
        ASSERT_EQ(errno, EAGAIN) << session_->error();
        waited = true;
      } else {
        written += static_cast<size_t>(n);
      }
    }
    char buffer[65536];
    int n = SSL_read(client_, buffer, sizeof buffer);
    if (n > 0) got.append(buffer, static_cast<size_t>(n));
  }
  EXPECT_TRUE(waited);
  EXPECT_EQ(got, expected);

  // An orderly close reads as the end of the stream.
  SSL_shutdown(client_);
  std::string rest;
  EXPECT_EQ(server_read(rest), 0);
}

TEST_F(TlsPair, AFailedHandshakeSaysWhy) {
  const char garbage[] = "GET / HTTP/1.1\r\n\r\n";  // not TLS
  ASSERT_EQ(write(client_fd_, garbage, sizeof garbage - 1), static_cast<ssize_t>(sizeof garbage - 1));
  std::string ignored;
  errno = 0;
  EXPECT_EQ(server_read(ignored), -1);
  EXPECT_NE(errno, EAGAIN);
  EXPECT_FALSE(session_->handshake_done());
  EXPECT_EQ(session_->error().rfind("error:", 0), 0u) << session_->error();
}

}  // namespace
}  // namespace corvid
