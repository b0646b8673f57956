#include "workflows/auto_calibration/report_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace amct::workflows::auto_calibration {
namespace {

constexpr char kInt8Color[] = "#1f77b4";
constexpr char kFloatColor[] = "#d62728";
constexpr char kPassColor[] = "#2ca02c";
constexpr char kOffColor[] = "#d9d9d9";

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o.push_back(c);
    }
  }
  return o;
}

std::string short_name(const std::string& s, size_t max = 46) {
  if (s.size() <= max) return s;
  return "\xE2\x80\xA6" + s.substr(s.size() - (max - 1));
}

// The "scope/" prefix every layer name shares (e.g. "MobilenetV1/"), left off in the plots.
std::string common_scope(const RankingInfo& r) {
  if (r.empty()) return "";
  std::string p = r[0].first;
  for (const auto& [name, v] : r) {
    size_t n = 0;
    while (n < p.size() && n < name.size() && p[n] == name[n]) ++n;
    p.resize(n);
  }
  const size_t slash = p.rfind('/');
  return slash == std::string::npos ? "" : p.substr(0, slash + 1);
}

std::string plot_name(const std::string& name, const std::string& scope) {
  return short_name(name.compare(0, scope.size(), scope) == 0 ? name.substr(scope.size()) : name);
}

double damage(double sens) {
  const double d = -std::log(std::max(sens, 1e-300));
  return std::isfinite(d) && d > 0 ? d : 0.0;
}

std::map<std::string, bool> final_map(const ReportData& d) {
  std::map<std::string, bool> m;
  for (const auto& [name, on] : d.final_config) m[name] = on;
  return m;
}

RankingInfo ranking(const ReportData& d) {
  RankingInfo r;
  for (const auto& l : d.layers) r.emplace_back(l.layer, l.value);
  return sort_ranking(r);
}

std::string fmt_acc(std::optional<double> v) { return v ? fmt::format("{:.3f}", *v) : std::string("&ndash;"); }

std::string sensitivity_svg(const ReportData& d) {
  const RankingInfo r = ranking(d);
  const std::string scope = common_scope(r);
  const auto fin = final_map(d);
  const int label_w = 330, bar_w = 470, row_h = 16, top = 34, right = 90;
  const int width = label_w + bar_w + right;
  const int height = top + row_h * static_cast<int>(r.size()) + 12;
  double dmax = 0.0, dmin = 0.0;
  for (const auto& [name, s] : r) {
    const double x = damage(s);
    dmax = std::max(dmax, x);
    if (x > 0 && (dmin == 0.0 || x < dmin)) dmin = x;
  }
  const bool log_scale = dmin > 0 && dmax / dmin > 100.0;
  auto scale = [&](double x) -> double {
    if (dmax <= 0) return 0.0;
    if (!log_scale) return bar_w * x / dmax;
    if (x <= 0) return 1.0;
    const double lo = std::log10(dmin) - 0.3;  // keep the smallest bar visible
    return std::max(1.0, bar_w * (std::log10(x) - lo) / (std::log10(dmax) - lo));
  };
  std::string s = fmt::format(
      "<svg id=\"sensitivity-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" font-family=\"sans-serif\" font-size=\"11\">\n",
      width, height, width, height);
  s += fmt::format("<text x=\"{}\" y=\"14\" font-size=\"12\">damage = &#8722;ln(sensitivity), {} scale; "
                   "most sensitive first{}</text>\n",
                   label_w, log_scale ? "log" : "linear", scope.empty() ? "" : "; names without \"" + esc(scope) + "\"");
  // Axis ticks.
  std::vector<double> ticks;
  if (dmax > 0 && log_scale) {
    for (int e = static_cast<int>(std::floor(std::log10(dmin))); e <= static_cast<int>(std::ceil(std::log10(dmax))); ++e)
      if (std::pow(10.0, e) <= dmax * 1.0001 && std::pow(10.0, e) >= dmin * 0.5) ticks.push_back(std::pow(10.0, e));
  } else if (dmax > 0) {
    ticks = {0.0, dmax / 2, dmax};
  }
  for (double t : ticks) {
    const double x = label_w + scale(t);
    s += fmt::format("<line x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\" stroke=\"#ccc\"/>", x, top - 6, x,
                     height - 10);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{:.3g}</text>\n", x, top - 9, t);
  }
  int row = 0;
  for (const auto& [name, sens] : r) {
    const int y = top + row * row_h;
    auto it = fin.find(name);
    const bool int8 = it != fin.end() && it->second;
    const double w = scale(damage(sens));
    s += fmt::format("<g class=\"layer-bar\"><title>{} &#10;sensitivity {:.8g} ({})</title>", esc(name), sens,
                     int8 ? "INT8" : "rolled back to float");
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", label_w - 6, y + 11,
                     esc(plot_name(name, scope)));
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>", label_w, y + 2, w,
                     row_h - 4, int8 ? kInt8Color : kFloatColor);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" fill=\"#333\">{:.6f}</text></g>\n", label_w + w + 4, y + 11, sens);
    ++row;
  }
  s += "</svg>\n";
  return s;
}

// Loss (original - metric) per step on a symmetric-log axis: a near-chance
// global model and the steps a fraction of a point around the bound share
// one readable plot.
std::string steps_svg(const ReportData& d) {
  const int width = 900, height = 360, left = 70, right = 190, top = 30, bottom = 50;
  const size_t m = d.history.size();
  std::vector<std::optional<double>> acc(m);
  for (size_t i = 0; i < m; ++i) acc[i] = d.history[i].accuracy;
  if (m > 0 && !acc[0]) acc[0] = d.global_accuracy;
  auto loss_of = [&](size_t i) { return acc[i] ? d.original_accuracy - *acc[i] : 0.0; };
  const double unit = d.max_loss ? std::max(*d.max_loss / 4.0, 1e-9) : 0.1;
  auto T = [&](double v) { return (v < 0 ? -1.0 : 1.0) * std::log10(1.0 + std::fabs(v) / unit); };
  double lo = T(0.0), hi = T(d.max_loss.value_or(0.0));
  for (size_t i = 0; i < m; ++i) lo = std::min(lo, T(loss_of(i))), hi = std::max(hi, T(loss_of(i)));
  const double pad = std::max(0.2, (hi - lo) * 0.1);
  lo -= pad;
  hi += pad;
  const double pw = width - left - right, ph = height - top - bottom;
  // Points stay 20 px inside the frame so their labels do too.
  auto X = [&](size_t i) {
    return left + 20 + (m <= 1 ? (pw - 40) / 2 : (pw - 40) * static_cast<double>(i) / static_cast<double>(m - 1));
  };
  // Larger loss plots lower, as a lower metric would.
  auto Y = [&](double loss) { return top + ph * (T(loss) - lo) / (hi - lo); };
  std::string s = fmt::format(
      "<svg id=\"steps-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n",
      width, height, width, height);
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fafafa\" stroke=\"#bbb\"/>\n", left, top,
                   pw, ph);
  // Ticks: 0, the bound, and 1-2-5 steps of each decade that fits.
  std::vector<double> ticks = {0.0};
  if (d.max_loss) ticks.push_back(*d.max_loss);
  for (double dec = 0.01; dec <= 1000.0; dec *= 10.0)
    for (double f : {1.0, 2.0, 5.0})
      for (double sign : {1.0, -1.0}) {
        const double v = sign * f * dec;
        const double t = T(v);
        if (t <= lo || t >= hi || std::fabs(Y(v) - Y(0.0)) < 14.0) continue;
        if (d.max_loss && std::fabs(Y(v) - Y(*d.max_loss)) < 14.0) continue;
        bool crowded = false;
        for (double u : ticks) crowded = crowded || std::fabs(Y(v) - Y(u)) < 14.0;
        if (!crowded) ticks.push_back(v);
      }
  for (double v : ticks) {
    s += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#e4e4e4\"/>", left, Y(v),
                     left + pw, Y(v));
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\" fill=\"#555\">{:g}</text>\n", left - 6,
                     Y(v) + 4, v);
  }
  s += fmt::format("<text x=\"16\" y=\"{}\" transform=\"rotate(-90 16 {})\" text-anchor=\"middle\">loss = original "
                   "&#8722; metric (symlog)</text>\n",
                   top + ph / 2, top + ph / 2);
  auto hline = [&](double v, const char* color, const std::string& label) {
    s += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-dasharray=\"6 4\"/>",
                     left, Y(v), left + pw, Y(v), color);
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" fill=\"{}\">{}</text>\n", left + pw + 6, Y(v) + 4, color,
                     esc(label));
  };
  hline(0.0, "#555", fmt::format("original: {:.3f}", d.original_accuracy));
  if (d.max_loss) hline(*d.max_loss, "#ff7f0e", fmt::format("bound: loss < {}", *d.max_loss));
  std::string points;
  for (size_t i = 0; i < m; ++i) points += fmt::format("{:.1f},{:.1f} ", X(i), Y(loss_of(i)));
  if (m > 1) s += "<polyline fill=\"none\" stroke=\"#888\" points=\"" + points + "\"/>\n";
  for (size_t i = 0; i < m; ++i) {
    const auto& r = d.history[i];
    const double y = Y(loss_of(i));
    const bool hollow = !acc[i];
    const char* color = r.metric_eval.satisfied ? kPassColor : kFloatColor;
    const size_t q = count_quantized(r.roll_back_config);
    s += fmt::format("<g class=\"step\"><title>{}: {} of {} layers INT8, metric {}, loss {:.4f}, {}{}</title>",
                     i == 0 ? std::string("global") : fmt::format("step {}", i), q, r.roll_back_config.size(),
                     acc[i] ? fmt::format("{:.3f}", *acc[i]) : std::string("(not evaluated)"), r.metric_eval.loss,
                     r.metric_eval.satisfied ? "meets the bound" : "misses the bound",
                     r.cached ? " (reused)" : "");
    s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"6\" fill=\"{}\" stroke=\"{}\" stroke-width=\"2\"/>",
                     X(i), y, hollow ? "white" : color, color);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}/{}</text>", X(i), y - 10, q,
                     r.roll_back_config.size());
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"#555\">{}</text>", X(i), y + 18,
                     acc[i] ? fmt::format("{:.2f}", *acc[i]) : std::string("float"));
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{}</text></g>\n", X(i),
                     top + ph + 16, i == 0 ? std::string("global") : std::to_string(i));
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">search step (above a point: INT8 layers / "
                   "searched; below: the metric)</text>\n",
                   left + pw / 2, height - 10);
  s += "</svg>\n";
  return s;
}

std::string rollback_svg(const ReportData& d) {
  const RankingInfo r = ranking(d);
  const std::string scope = common_scope(r);
  const size_t m = d.history.size();
  const int label_w = 330, cell = 14, top = 40;
  const int width = label_w + cell * static_cast<int>(m + 2) + 20;
  const int height = top + cell * static_cast<int>(r.size()) + 10;
  std::string s = fmt::format(
      "<svg id=\"rollback-map\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "font-family=\"sans-serif\" font-size=\"10\">\n",
      width, height, width, height);
  std::vector<std::map<std::string, bool>> steps(m);
  for (size_t i = 0; i < m; ++i)
    for (const auto& [name, on] : d.history[i].roll_back_config) steps[i][name] = on;
  const auto fin = final_map(d);
  for (size_t c = 0; c <= m; ++c) {
    const int x = label_w + cell * static_cast<int>(c) + (c == m ? cell : 0);
    const std::string head = c == m ? "final" : (c == 0 ? "G" : std::to_string(c));
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"{}\">{}</text>", x + cell / 2,
                     top - 8, c == m ? "bold" : "normal", head);
  }
  s += "\n";
  for (size_t row = 0; row < r.size(); ++row) {
    const std::string& name = r[row].first;
    const int y = top + cell * static_cast<int>(row);
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", label_w - 6, y + 10,
                     esc(plot_name(name, scope)));
    for (size_t c = 0; c <= m; ++c) {
      bool on = false;
      if (c == m) {
        auto it = fin.find(name);
        on = it != fin.end() && it->second;
      } else {
        auto it = steps[c].find(name);
        on = it != steps[c].end() && it->second;
      }
      const int x = label_w + cell * static_cast<int>(c) + (c == m ? cell : 0);
      s += fmt::format("<rect class=\"cell\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"white\"/>",
                       x, y, cell, cell, on ? kInt8Color : (c == m ? kFloatColor : kOffColor));
    }
    s += "\n";
  }
  s += "</svg>\n";
  return s;
}

}  // namespace

std::string layer_reason(const ReportData& d, const std::string& layer) {
  const auto fin = final_map(d);
  auto it = fin.find(layer);
  if (it == fin.end()) return "quant_enable is false in config.json: not searched";
  if (it->second) return "INT8";
  if (d.all_rolled_back)
    return "every layer rolled back: no configuration the strategy tried met the bound, so no model was saved";
  const RankingInfo r = ranking(d);
  size_t rank = 0;
  for (size_t i = 0; i < r.size(); ++i)
    if (r[i].first == layer) rank = i + 1;
  const size_t kept_float = d.final_config.size() - count_quantized(d.final_config);
  // The failing config that rolled back the most layers: the evidence for rolling back more.
  const SearchRecord* closest = nullptr;
  for (const auto& h : d.history)
    if (!h.metric_eval.satisfied &&
        (!closest || count_quantized(h.roll_back_config) < count_quantized(closest->roll_back_config)))
      closest = &h;
  std::string why = fmt::format("rank {} of {} by {} sensitivity; the final config rolls back the {} most sensitive "
                                "layers",
                                rank, r.size(), d.sensitivity, kept_float);
  if (closest)
    why += fmt::format("; with only {} rolled back the loss was {:.3f}, not within the bound",
                       closest->roll_back_config.size() - count_quantized(closest->roll_back_config),
                       closest->metric_eval.loss);
  return why;
}

std::string render_report_html(const ReportData& d) {
  const RankingInfo r = ranking(d);
  const auto fin = final_map(d);
  const size_t int8 = count_quantized(d.final_config);
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
       "<title>amct accuracy-based auto calibration</title>\n<style>\n"
       "body{font-family:sans-serif;margin:24px;color:#222;max-width:1100px}\n"
       "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}\n"
       "th{background:#f0f0f0}.int8{color:#1f77b4;font-weight:bold}.float{color:#d62728;font-weight:bold}\n"
       "dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dt{font-weight:bold}dd{margin:0}\n"
       ".legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}\n"
       "</style></head><body>\n";
  h += "<h1>Accuracy-based auto calibration</h1>\n<dl>\n";
  h += fmt::format("<dt>model</dt><dd>{}</dd>\n", esc(d.model));
  h += fmt::format("<dt>evaluator</dt><dd>{}</dd>\n", esc(d.evaluator));
  h += fmt::format("<dt>strategy / sensitivity</dt><dd>{} / {}</dd>\n", esc(d.strategy), esc(d.sensitivity));
  h += fmt::format("<dt>original model</dt><dd>{}{}</dd>\n", fmt_acc(d.original_accuracy),
                   d.original_cached ? " (cached from an earlier run)" : "");
  h += fmt::format("<dt>global quantized model</dt><dd>{} (loss {:.3f}, {})</dd>\n", fmt_acc(d.global_accuracy),
                   d.original_accuracy - d.global_accuracy,
                   d.global_satisfied ? "meets the bound" : "misses the bound");
  h += fmt::format("<dt>saved model</dt><dd>{}</dd>\n",
                   d.saved_accuracy ? fmt::format("{} (loss {:.3f})", fmt_acc(d.saved_accuracy),
                                                  d.original_accuracy - *d.saved_accuracy)
                                    : std::string("none: every layer was rolled back"));
  h += fmt::format("<dt>layers kept INT8</dt><dd>{} of {} searched{}</dd>\n", int8, d.final_config.size(),
                   d.disabled_layers.empty() ? std::string()
                                             : fmt::format(" ({} more disabled in config.json)", d.disabled_layers.size()));
  h += fmt::format("<dt>model evaluations</dt><dd>{}</dd>\n", d.evaluations);
  h += fmt::format("<dt>wall time</dt><dd>{:.1f} s", d.seconds);
  for (const auto& [phase, sec] : d.phases) h += fmt::format("; {} {:.1f} s", esc(phase), sec);
  h += "</dd>\n</dl>\n";
  h += "<p class=\"legend\"><span style=\"background:#1f77b4\"></span>INT8"
       "<span style=\"background:#d62728\"></span>rolled back to float"
       "<span style=\"background:#2ca02c\"></span>step meets the bound"
       "<span style=\"background:#d9d9d9\"></span>float during a step</p>\n";
  h += "<h2>Per-layer sensitivity</h2>\n" + sensitivity_svg(d);
  h += "<h2>Loss after each search step</h2>\n" + steps_svg(d);
  h += "<h2>Layers quantized at each step</h2>\n<p>Rows: layers, most sensitive first. Columns: the global run (G), "
       "each search step, and the final model.</p>\n" +
       rollback_svg(d);
  h += "<h2>Layers</h2>\n<table id=\"layers\"><tr><th>rank</th><th>layer</th><th>op</th><th>sensitivity</th>"
       "<th>cosine (AMCT)</th><th>output KL</th><th>top-1 flips</th><th>final</th><th>why</th></tr>\n";
  std::map<std::string, const LayerSensitivity*> by_name;
  for (const auto& l : d.layers) by_name[l.layer] = &l;
  for (size_t i = 0; i < r.size(); ++i) {
    const LayerSensitivity* l = by_name[r[i].first];
    auto it = fin.find(r[i].first);
    const bool on = it != fin.end() && it->second;
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.8g}</td><td>{:.8g}</td><td>{}</td><td>{}</td>"
                     "<td class=\"{}\">{}</td><td>{}</td></tr>\n",
                     i + 1, esc(r[i].first), esc(l ? l->op : ""), r[i].second, l ? l->cosine : 1.0,
                     l && l->output_kl ? fmt::format("{:.6g}", *l->output_kl) : std::string("&ndash;"),
                     l && l->output_kl ? fmt::format("{}/{}", l->top1_flips, l->images) : std::string("&ndash;"),
                     on ? "int8" : "float", on ? "INT8" : "float", esc(layer_reason(d, r[i].first)));
  }
  for (const auto& name : d.disabled_layers)
    h += fmt::format("<tr><td>&ndash;</td><td>{}</td><td></td><td></td><td></td><td></td><td></td>"
                     "<td class=\"float\">float</td><td>{}</td></tr>\n",
                     esc(name), esc(layer_reason(d, name)));
  h += "</table>\n</body></html>\n";
  return h;
}

}  // namespace amct::workflows::auto_calibration
