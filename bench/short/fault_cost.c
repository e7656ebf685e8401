/*
 * What a page fault, a trivial system call and an mmap/munmap pair cost
 * on this machine (docs/benchmarks.md, "Short processes"): N anonymous
 * pages written once each, 5 times.
 *   gcc -O2 bench/short/fault_cost.c -o fault_cost && chrt -f 50 ./fault_cost 1000
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e9+t.tv_nsec;}
int main(int argc,char**argv){
  int n=atoi(argv[1]);
  for(int rep=0;rep<5;rep++){
  char*p=mmap(0,n*4096L,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0);
  double t=now(); for(int i=0;i<n;i++)p[i*4096L]=1; t=now()-t;
  double t2=now(); munmap(p,n*4096L); t2=now()-t2;
  double t3=now(); for(int i=0;i<200;i++) getppid(); t3=now()-t3;
  double t4=now(); for(int i=0;i<200;i++){void*q=mmap(0,1<<20,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0);munmap(q,1<<20);} t4=now()-t4;
  printf("anon write fault %.0f ns/page, munmap %.0f ns/page, getppid %.0f ns, mmap+munmap %.0f ns\n",t/n,t2/n,t3/200,t4/200);}
}
