#include "db/list_value.h"

namespace corvid {

std::unique_ptr<ValueObject> ListValue::clone() const { return std::make_unique<ListValue>(items_.clone()); }

size_t ListValue::allocated_bytes() const { return sizeof(ListValue) + items_.allocated_bytes(); }

}  // namespace corvid
