// SPDX-License-Identifier: GPL-2.0-or-later
// Reader -> block tree -> keyword tables -> model -> validation.
#include "vigil/config/load.hpp"

#include "parse_util.hpp"

namespace vigil::config {

namespace {

const detail::Table<Model>& top_table() {
  static const detail::Table<Model> table = [] {
    detail::TopTable kws;
    detail::add_global_keywords(kws);
    detail::add_vrrp_keywords(kws);
    detail::add_bfd_keywords(kws);
    detail::add_lvs_keywords(kws);
    return detail::Table<Model>("", std::move(kws));
  }();
  return table;
}

void run(Reader& reader, LoadResult& result, const LoadOptions& opts) {
  detail::Ctx ctx(reader, result.diags, opts);
  const auto& table = top_table();
  detail::build_tree(reader, result.diags, [&](detail::Node& top) {
    detail::dispatch_one(ctx, top, result.model, table);
  });
  detail::validate_global(ctx, result.model);
  detail::validate_vrrp(ctx, result.model);
  detail::validate_bfd(ctx, result.model);
  detail::validate_lvs(ctx, result.model);
  detail::validate_scripts(ctx, result.model);
  result.files = reader.files_read();
}

ReaderOptions reader_options(const LoadOptions& opts) {
  ReaderOptions r;
  r.config_id = opts.config_id;
  r.getenv = opts.getenv;
  r.random_seed = opts.random_seed;
  r.max_generated_lines = opts.max_generated_lines;
  return r;
}

}  // namespace

LoadResult load_file(const std::string& path, const FileSource& fs, const LoadOptions& opts) {
  LoadResult result;
  Reader reader(fs, reader_options(opts), result.diags);
  reader.open_file(path);
  run(reader, result, opts);
  return result;
}

LoadResult load_string(const std::string& text, const std::string& name, const LoadOptions& opts) {
  LoadResult result;
  MemoryFileSource fs;
  Reader reader(fs, reader_options(opts), result.diags);
  reader.open_text(name, text);
  run(reader, result, opts);
  return result;
}

}  // namespace vigil::config
