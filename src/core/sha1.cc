#include "core/sha1.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace corvid {

Sha1 sha1(std::string_view data) {
  // One context per thread, reused: creating an EVP context per call costs more than
  // hashing the few bytes digests usually feed it.
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    ~Context() {
      EVP_MD_free(md);
      EVP_MD_CTX_free(ctx);
    }
  };
  thread_local Context context;
  Sha1 out{};
  unsigned int length = 0;
  if (context.ctx == nullptr || context.md == nullptr || EVP_DigestInit_ex(context.ctx, context.md, nullptr) != 1 ||
      EVP_DigestUpdate(context.ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.ctx, out.data(), &length) != 1) {
    throw std::runtime_error("SHA-1 is not available");
  }
  return out;
}

std::string digest_hex(const Sha1& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(40);
  for (uint8_t b : digest) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

}  // namespace corvid
