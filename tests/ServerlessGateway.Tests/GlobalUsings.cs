global using Microsoft.Extensions.Hosting;
global using Xunit;
