-- forkjoin.hs — GHC twin of examples/forkjoin: fork N threads, each puts
-- one value into a shared MVar; the main thread takes N values (join).
-- Usage: forkjoin N.  Prints "forkjoin: <N> ns/thread".
import Control.Concurrent
import Control.Monad
import GHC.Clock (getMonotonicTimeNSec)
import System.Environment (getArgs)

main :: IO ()
main = runInUnboundThread $ do
  [nS] <- getArgs
  let n = read nS :: Int
  done <- newEmptyMVar
  t0 <- getMonotonicTimeNSec
  forM_ [1 .. n] $ \i -> forkIO (putMVar done i)
  s <- foldM (\acc _ -> (+ acc) <$> takeMVar done) 0 [1 .. n]
  t1 <- getMonotonicTimeNSec
  when (s /= n * (n + 1) `div` 2) $ error "forkjoin: lost a value"
  putStrLn $ "forkjoin: " ++ show (fromIntegral (t1 - t0) / fromIntegral n :: Double) ++ " ns/thread"
