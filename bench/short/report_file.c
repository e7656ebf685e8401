/*
 * The plain program's control for docs/benchmarks.md, "Short processes":
 * what writing a report file costs a process without hotpath. Writes
 * 1300 bytes to $WDIR/r.PID.json.tmp and renames it to $WDIR/r.PID.json,
 * as the runtime's JSON report does (open, write, close, rename).
 *   gcc -O2 bench/short/report_file.c -o report_file
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static char buf[1300];
int main(void){
  char p[256], t[256];
  memset(buf,'x',sizeof buf);
  const char *d = getenv("WDIR");
  snprintf(p,sizeof p,"%s/r.%d.json",d,(int)getpid());
  snprintf(t,sizeof t,"%s.tmp",p);
#ifdef STDIO
  FILE*f=fopen(t,"w"); fwrite(buf,1,sizeof buf,f); fclose(f);
#else
  int fd=open(t,O_WRONLY|O_CREAT|O_TRUNC,0666); write(fd,buf,sizeof buf); close(fd);
#endif
#ifndef NORENAME
  rename(t,p);
#endif
  return 0;
}
