// Status / Expected<T>: the one error channel of amct's library code.
// Each layer adds context on the way up; only main() turns a Status into an exit code.
#pragma once

#include <fmt/format.h>

#include <memory>
#include <string>
#include <utility>
#include <variant>

namespace amct {

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK: a null message pointer makes success free.
  static Status ok() { return Status(); }
  static Status error(std::string message) {
    Status s;
    s.message_ = std::make_shared<const std::string>(std::move(message));
    return s;
  }
  bool is_ok() const { return message_ == nullptr; }
  const std::string& message() const {
    static const std::string kEmpty;
    return message_ ? *message_ : kEmpty;
  }
  // Prefixes "context: " so the final line reads outermost-first.
  Status with_context(const std::string& context) const {
    if (is_ok()) return *this;
    return error(context + ": " + *message_);
  }

 private:
  std::shared_ptr<const std::string> message_;
};

// Formats an error message: return amct::error("node '{}': bad rank {}", name, r);
template <typename... Args>
Status error(fmt::format_string<Args...> format, Args&&... args) {
  return Status::error(fmt::format(format, std::forward<Args>(args)...));
}

template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Expected(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design
  bool ok() const { return v_.index() == 0; }
  Status status() const { return ok() ? Status::ok() : std::get<1>(v_); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace amct

#define AMCT_CONCAT_INNER(a, b) a##b
#define AMCT_CONCAT(a, b) AMCT_CONCAT_INNER(a, b)

#define AMCT_RETURN_IF_ERROR(expr)              \
  do {                                          \
    ::amct::Status amct_status_ = (expr);       \
    if (!amct_status_.is_ok()) return amct_status_; \
  } while (0)

#define AMCT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

// AMCT_ASSIGN_OR_RETURN(auto graph, read_graphdef(path));
#define AMCT_ASSIGN_OR_RETURN(lhs, expr) \
  AMCT_ASSIGN_OR_RETURN_IMPL(AMCT_CONCAT(amct_expected_, __LINE__), lhs, expr)
