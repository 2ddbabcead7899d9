-- pingpong.hs — GHC twin of examples/pingpong.c: MVar ping-pong between two
-- threads.  Usage: pingpong ROUNDS same|cross +RTS -N1|-N2
-- "same": both threads on capability 0; "cross": one on each of 0 and 1.
-- Prints "pingpong: <N> ns/roundtrip" as its last line.
import Control.Concurrent
import Control.Monad
import GHC.Clock (getMonotonicTimeNSec)
import System.Environment (getArgs)

main :: IO ()
main = runInUnboundThread $ do
  [roundsS, mode] <- getArgs
  let rounds = read roundsS :: Int
      other = if mode == "cross" then 1 else 0
  ping <- newEmptyMVar
  pong <- newEmptyMVar
  done <- newEmptyMVar
  _ <- forkOn other $ replicateM_ rounds (takeMVar ping >>= putMVar pong)
  _ <- forkOn 0 $ do
    t0 <- getMonotonicTimeNSec
    forM_ [1 .. rounds] $ \i -> putMVar ping i >> void (takeMVar pong)
    t1 <- getMonotonicTimeNSec
    putMVar done (t1 - t0)
  ns <- takeMVar done
  putStrLn $ "pingpong: " ++ show (fromIntegral ns / fromIntegral rounds :: Double) ++ " ns/roundtrip"
