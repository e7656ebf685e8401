//===- hotpath-clang.h - shared declarations of the Clang plugin ----------===//
//
// The plugin has two halves in one shared object:
//
//   frontend   attributes.cpp (the [[hotpath::...]] spellings), frontend.cpp
//              (plugin arguments, __HOTPATH__, the AST consumer that validates
//              annotate("hotpath...") and selects functions), names.cpp
//              (report names);
//   middle end instrument.cpp (the IR pass that emits the sites and the
//              hotpath_enter/hotpath_exit calls).
//
// The frontend hands each selected function to the IR pass as an
// annotation (a zero-argument AnnotateAttr, which Clang emits into
// @llvm.global.annotations) whose string encodes the whole site:
//
//   "hotpath.site" US kind US line US flags US min-size US percentiles US file US name
//
// (US = '\x1f'). The IR therefore carries everything the pass needs, also
// when the frontend and the backend run in different processes (-save-temps).
//
//===----------------------------------------------------------------------===//
#ifndef HOTPATH_CLANG_H
#define HOTPATH_CLANG_H

#include "llvm-compat.h"

#include <string>
#include <utility>
#include <vector>

namespace hotpath {

// enum hotpath_site_kind in runtime/include/hotpath/hotpath.h.
enum SiteKind : unsigned { KindFunction = 0, KindBlock = 1, KindMain = 2 };

constexpr char FieldSep = '\x1f';
// Annotation that the IR pass instruments (see above).
constexpr llvm::StringLiteral SiteTag("hotpath.site");
// Annotation the [[hotpath::...]] attributes leave for the AST consumer:
// "hotpath.attr" US ("measure" US label | "main" US percentiles US flags).
constexpr llvm::StringLiteral AttrTag("hotpath.attr");

// HOTPATH_FLAG_* in runtime/include/hotpath/hotpath.h (main sites only).
enum SiteFlags : unsigned { FlagAlloc = 1, FlagAllocCumulative = 2 };

struct Site {
  unsigned Kind = KindFunction;
  unsigned Line = 0;
  unsigned Flags = 0;      // SiteFlags, asked for by the options of hotpath::main
  // Selected by include= (not tagged): the IR pass leaves the function
  // alone if it is a leaf without loops of fewer IR instructions than this
  // (min-size=N, see instrument.cpp); 0 for a tagged function.
  unsigned MinSize = 0;
  std::string Percentiles; // "50,95,99.9"; empty: the runtime's default
  std::string File;
  std::string Name;
};

std::string encodeSite(const Site &S);
bool decodeSite(llvm::StringRef Annotation, Site &S);

// "<stem of the file>::<namespaces and classes>::<function>", without
// template arguments (names.cpp).
std::string reportName(const clang::FunctionDecl *FD, const clang::SourceManager &SM);
// The file a declaration is written in, as given to the compiler.
std::string declFile(const clang::Decl *D, const clang::SourceManager &SM);
unsigned declLine(const clang::Decl *D, const clang::SourceManager &SM);

// A percentile as the runtime parses it: "99.9", "50".
std::string formatPercentile(double P);
// Evaluates an attribute argument to a number; false if it is none.
bool evaluateNumber(const clang::Expr *E, const clang::ASTContext &Ctx, double &Out);

// The options hotpath::main takes besides percentiles, in any position
// ("alloc", "alloc-cumulative"): the site flags one asks for, 0 for an
// unknown one (attributes.cpp).
unsigned mainOptionFlags(llvm::StringRef Option);
// "unknown option 'allocs' given to 'hotpath::main' (accepted: ...)", at Loc;
// Spelling: "hotpath::main" or "annotate(\"hotpath::main\")".
void reportUnknownMainOption(clang::DiagnosticsEngine &D, clang::SourceLocation Loc,
                             llvm::StringRef Option, llvm::StringRef Spelling);
// The runtime's limit on a report's percentiles (HP_MAX_PERCENTILES in
// runtime/src/config.h): "too many percentiles given to ...", at Loc.
constexpr unsigned MaxPercentiles = 16;
void reportTooManyPercentiles(clang::DiagnosticsEngine &D, clang::SourceLocation Loc,
                              llvm::StringRef Spelling);
// A label that is a wide string literal (Wide) or an empty one, at Loc.
void reportLabelProblem(clang::DiagnosticsEngine &D, clang::SourceLocation Loc,
                        llvm::StringRef Spelling, bool Wide);
// "'alloc' is an option of 'hotpath::main', not of 'hotpath::measure' ...":
// an option given to a measure tag after its label.
void reportOptionOnMeasure(clang::DiagnosticsEngine &D, clang::SourceLocation Loc,
                           llvm::StringRef Option, llvm::StringRef MainSpelling,
                           llvm::StringRef Spelling);

// Reports a hotpath error at Loc with the message Msg (a getCustomDiagID
// format: %0 is Arg).
void reportError(clang::DiagnosticsEngine &D, clang::SourceLocation Loc, const std::string &Msg,
                 llvm::StringRef Arg = {});
void reportNote(clang::DiagnosticsEngine &D, clang::SourceLocation Loc, const char *Msg);

// Constructors and destructors: Clang 14 emits no annotations for them, so
// the frontend also leaves their sites here, keyed by symbol name, for the
// IR pass that runs later in the same process (names.cpp). Variants that
// only call another variant (a deleting destructor, a complete one that
// delegates to the base one) are remembered with Skip set: instrumenting
// them too would count one call twice.
struct RememberedSite {
  std::string Symbol;
  Site S;
  bool Skip;
};
void rememberSite(RememberedSite R);
std::vector<RememberedSite> takeRememberedSites();

// A unit compiled with -disable-llvm-passes (what the driver gives the
// bitcode step of -save-temps) never runs the pipeline where the IR pass is
// registered, and the next step, which compiles the saved bitcode, runs no
// frontend and so loads no pass plugin. The frontend therefore calls this
// with true for such a unit (and false otherwise, and when the unit ends):
// the IR pass then runs just before the first pass that does run on the
// module, the writer of the bitcode (instrument.cpp).
void instrumentWithoutPipeline(bool On);

// Under verbose, what the IR pass decided about a function include=
// selected: a remark at the function's line (frontend.cpp, which knows the
// line; nothing when the frontend ran in another process).
void remarkSize(const Site &S, bool Measured, unsigned Size);

// "not to 'x'" / "not to types": what a misplaced attribute was put on.
std::string whatItIs(const clang::Decl *D);

// The path this shared object was loaded from (to register it as the
// code generator's pass plugin).
std::string ownPath();

} // namespace hotpath

#endif // HOTPATH_CLANG_H
