//===- llvm-compat.h - LLVM/Clang version differences ---------------------===//
//
// The one place that knows which Clang major version the plugin is built for
// (14 and 19 are tested). The other files include LLVM and Clang headers
// through here (version.cpp, which must not touch more than Version.h,
// aside) and call the hp:: wrappers below instead of an API whose name or
// shape changed between versions.
//
//===----------------------------------------------------------------------===//
#ifndef HOTPATH_LLVM_COMPAT_H
#define HOTPATH_LLVM_COMPAT_H

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/Mangle.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Basic/Version.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/LiteralSupport.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "clang/Sema/ParsedAttr.h"
#include "clang/Sema/Sema.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Analysis/CFG.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/PassPlugin.h"
#include "llvm/Support/Regex.h"
#include "llvm/Transforms/Utils/EscapeEnumerator.h"

#if CLANG_VERSION_MAJOR < 14
#error "hotpath-clang needs Clang 14 or later"
#endif

namespace hp {

// StringRef::startswith became starts_with (LLVM 16) and the old name was
// later removed; this works with both.
inline bool startsWith(llvm::StringRef S, llvm::StringRef Prefix) {
  return S.size() >= Prefix.size() && S.substr(0, Prefix.size()) == Prefix;
}

// The syntax tag of `[[scope::name]]` in C (C2x in 14, C23 from 18 on).
#if CLANG_VERSION_MAJOR >= 18
constexpr auto SyntaxC23 = clang::AttributeCommonInfo::AS_C23;
#else
constexpr auto SyntaxC23 = clang::AttributeCommonInfo::AS_C2x;
#endif
constexpr auto SyntaxCXX11 = clang::AttributeCommonInfo::AS_CXX11;

// Pre-split C++20 coroutines are left alone: their frame is built later.
inline bool isPresplitCoroutine(const llvm::Function &F) {
#if CLANG_VERSION_MAJOR >= 16
  return F.isPresplitCoroutine();
#else
  return F.hasFnAttribute("coroutine.presplit");
#endif
}

// A macro body of one token: MacroInfo::AddTokenToBody (14) became
// setTokens with the preprocessor's allocator (15 and later).
inline void setMacroBody(clang::Preprocessor &PP, clang::MacroInfo *MI, const clang::Token &T) {
#if CLANG_VERSION_MAJOR >= 15
  MI->setTokens({T}, PP.getPreprocessorAllocator());
#else
  (void)PP;
  MI->AddTokenToBody(T);
#endif
}

} // namespace hp

#endif // HOTPATH_LLVM_COMPAT_H
