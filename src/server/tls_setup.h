#pragma once
// The tls-* directives as net/tls_context.h's settings: the one place that knows how the
// configuration's words (tls-auth-clients "optional") map onto the TLS layer's terms.

#include "net/tls_context.h"
#include "server/config.h"

namespace corvid {

TlsSettings tls_settings(const Config& config);

}  // namespace corvid
