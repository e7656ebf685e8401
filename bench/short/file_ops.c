/*
 * What each step of writing a report file costs, in a loop inside one
 * process (docs/benchmarks.md, "Short processes"): N files of 1300 bytes
 * created in DIR as the runtime creates its report.
 *   gcc -O2 bench/short/file_ops.c -o file_ops && chrt -f 50 ./file_ops DIR 1000
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e9+t.tv_nsec;}
int main(int argc,char**argv){
  const char*d=argv[1]; int n=atoi(argv[2]); char p[512],t[512],buf[1300]; memset(buf,'x',sizeof buf);
  double to=0,tw=0,tc=0,tr=0;
  for(int i=0;i<n;i++){
    snprintf(p,sizeof p,"%s/r.%d.json",d,i); snprintf(t,sizeof t,"%s.tmp",p);
    double a=now(); int fd=open(t,O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC,0666); double b=now();
    write(fd,buf,sizeof buf); double c=now(); close(fd); double e=now(); rename(t,p); double f=now();
    to+=b-a; tw+=c-b; tc+=e-c; tr+=f-e;
  }
  printf("per file: open(O_CREAT) %.1f us, write 1300 B %.1f us, close %.1f us, rename %.1f us\n",to/n/1e3,tw/n/1e3,tc/n/1e3,tr/n/1e3);
}
