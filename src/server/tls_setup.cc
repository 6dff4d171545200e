// tls_settings: Config's tls-* fields as net/tls_context.h's TlsSettings.

#include "server/tls_setup.h"

namespace corvid {

TlsSettings tls_settings(const Config& config) {
  TlsSettings settings;
  settings.cert_file = config.tls_cert_file;
  settings.key_file = config.tls_key_file;
  settings.key_file_pass = config.tls_key_file_pass;
  settings.client_cert_file = config.tls_client_cert_file;
  settings.client_key_file = config.tls_client_key_file;
  settings.client_key_file_pass = config.tls_client_key_file_pass;
  settings.dh_params_file = config.tls_dh_params_file;
  settings.ca_cert_file = config.tls_ca_cert_file;
  settings.ca_cert_dir = config.tls_ca_cert_dir;
  settings.auth_clients = config.tls_auth_clients == "no"         ? TlsSettings::ClientAuth::No
                          : config.tls_auth_clients == "optional" ? TlsSettings::ClientAuth::Optional
                                                                  : TlsSettings::ClientAuth::Yes;
  settings.protocols = config.tls_protocols;
  settings.ciphers = config.tls_ciphers;
  settings.ciphersuites = config.tls_ciphersuites;
  settings.prefer_server_ciphers = config.tls_prefer_server_ciphers;
  settings.session_caching = config.tls_session_caching;
  settings.session_cache_size = config.tls_session_cache_size;
  settings.session_cache_timeout = config.tls_session_cache_timeout;
  return settings;
}

}  // namespace corvid
