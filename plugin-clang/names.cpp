//===- names.cpp - report names, site encoding, small helpers ------------===//
//
// Report names follow the contract in docs (same as the GCC plugin):
//
//   basic.c,  void sync_function(void)           basic::sync_function
//   util.h,   static inline int helper(int)      util::helper
//   shapes.cpp, geo::Circle::area() const        shapes::geo::Circle::area
//   shapes.cpp, geo::Circle::~Circle()           shapes::geo::Circle::~Circle
//   t.cpp,    template <class T> T ns::maximum   t::ns::maximum
//
// Anonymous namespaces and unnamed classes appear as {anonymous} (as in the
// GCC plugin); inline namespaces are kept.
//
//===----------------------------------------------------------------------===//
#include "hotpath-clang.h"

#include <dlfcn.h>

#include <cmath>
#include <cstdio>

using namespace clang;

namespace hotpath {

std::string encodeSite(const Site &S) {
  std::string Out = SiteTag.str();
  for (const std::string &F :
       {std::to_string(S.Kind), std::to_string(S.Line), std::to_string(S.Flags),
        std::to_string(S.MinSize), S.Percentiles, S.File, S.Name}) {
    Out += FieldSep;
    Out += F;
  }
  return Out;
}

bool decodeSite(llvm::StringRef A, Site &S) {
  llvm::SmallVector<llvm::StringRef, 8> F;
  A.split(F, FieldSep, /*MaxSplit=*/7);
  if (F.size() != 8 || F[0] != SiteTag)
    return false;
  if (F[1].getAsInteger(10, S.Kind) || F[2].getAsInteger(10, S.Line) ||
      F[3].getAsInteger(10, S.Flags) || F[4].getAsInteger(10, S.MinSize))
    return false;
  S.Percentiles = F[5].str();
  S.File = F[6].str();
  S.Name = F[7].str();
  return true;
}

static SourceLocation fileLoc(const Decl *D, const SourceManager &SM) {
  return SM.getExpansionLoc(D->getLocation());
}

std::string declFile(const Decl *D, const SourceManager &SM) {
  PresumedLoc P = SM.getPresumedLoc(fileLoc(D, SM));
  return P.isValid() ? P.getFilename() : "";
}

unsigned declLine(const Decl *D, const SourceManager &SM) {
  PresumedLoc P = SM.getPresumedLoc(fileLoc(D, SM));
  return P.isValid() ? P.getLine() : 0;
}

static std::string stemOf(llvm::StringRef Path) {
  llvm::StringRef Base = Path.rsplit('/').second;
  if (Base.empty())
    Base = Path;
  size_t Dot = Base.rfind('.');
  return (Dot == llvm::StringRef::npos || Dot == 0 ? Base : Base.substr(0, Dot)).str();
}

// Appends the enclosing namespaces and classes of DC, outermost first.
static void appendScopes(const DeclContext *DC, std::string &Out) {
  if (!DC || DC->isTranslationUnit())
    return;
  appendScopes(DC->getParent(), Out);
  if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
    Out += "::" + (NS->isAnonymousNamespace() ? "{anonymous}" : NS->getNameAsString());
  } else if (const auto *RD = dyn_cast<RecordDecl>(DC)) {
    Out += "::" + (RD->getIdentifier() ? RD->getNameAsString() : "{anonymous}");
  } else if (const auto *FD = dyn_cast<FunctionDecl>(DC)) {
    // A local class: name its methods after the enclosing function.
    Out += "::" + FD->getNameAsString();
  }
}

std::string reportName(const FunctionDecl *FD, const SourceManager &SM) {
  std::string Name = stemOf(declFile(FD, SM));
  appendScopes(FD->getDeclContext(), Name);
  Name += "::" + FD->getNameAsString();
  return Name;
}

std::string formatPercentile(double P) {
  char Buf[32];
  if (P == std::floor(P))
    std::snprintf(Buf, sizeof Buf, "%.0f", P);
  else
    std::snprintf(Buf, sizeof Buf, "%.15g", P);
  return Buf;
}

bool evaluateNumber(const Expr *E, const ASTContext &Ctx, double &Out) {
  Expr::EvalResult R;
  if (!E || E->isValueDependent() || !E->EvaluateAsRValue(R, Ctx))
    return false;
  if (R.Val.isInt()) {
    const llvm::APSInt &I = R.Val.getInt();
    Out = I.isSigned() ? double(I.getSExtValue()) : double(I.getZExtValue());
    return true;
  }
  if (R.Val.isFloat()) {
    Out = R.Val.getFloat().convertToDouble();
    return true;
  }
  return false;
}

void reportError(DiagnosticsEngine &D, SourceLocation Loc, const std::string &Msg,
                 llvm::StringRef Arg) {
  unsigned ID = D.getCustomDiagID(DiagnosticsEngine::Error, "%0");
  std::string Text(Msg);
  for (size_t At = Text.find("%0"); At != std::string::npos; At = Text.find("%0", At + Arg.size()))
    Text.replace(At, 2, Arg.str());
  D.Report(Loc, ID) << Text;
}

void reportNote(DiagnosticsEngine &D, SourceLocation Loc, const char *Msg) {
  unsigned ID = D.getCustomDiagID(DiagnosticsEngine::Note, "%0");
  D.Report(Loc, ID) << Msg;
}

// Filled by the frontend, emptied by the IR pass of the same unit (units
// are compiled one after another in one process).
static std::vector<RememberedSite> Remembered;

void rememberSite(RememberedSite R) { Remembered.push_back(std::move(R)); }

std::vector<RememberedSite> takeRememberedSites() {
  std::vector<RememberedSite> Out;
  Out.swap(Remembered);
  return Out;
}

std::string whatItIs(const Decl *D) {
  if (isa<TypeDecl>(D))
    return "types";
  if (const auto *ND = dyn_cast<NamedDecl>(D))
    if (ND->getIdentifier())
      return "'" + ND->getNameAsString() + "'";
  return "this declaration";
}

std::string ownPath() {
  Dl_info Info;
  if (dladdr(reinterpret_cast<void *>(&ownPath), &Info) && Info.dli_fname)
    return Info.dli_fname;
  return "";
}

} // namespace hotpath
