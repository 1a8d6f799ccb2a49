/* The empty process of the startup benchmark (bench/startup_bench.cpp): a C program that
   does nothing, built like any other program of the build. */
int main(void) { return 0; }
